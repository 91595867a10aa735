import { Card } from '@/components/ui/card';
import { log } from '@/lib/log';

/**
 * Runs a widget's query; on failure the widget renders an error in its own place and the rest of the page
 * still shows. The cause goes to the server log, never to the browser.
 */
export async function loadOrError<T>(load: () => Promise<T>): Promise<T | React.ReactElement> {
  try {
    return await load();
  } catch (err) {
    log().error({ err }, 'recoveries widget failed');
    return (
      <Card>
        <p role="alert" className="text-sm text-red-700">
          This panel could not be loaded. Reload the page to try again.
        </p>
      </Card>
    );
  }
}
