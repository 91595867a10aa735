import { after } from 'next/server';
import { errorResponse } from '@/lib/auth/guards';
import { getDb } from '@/lib/db/client';
import { handleSlackInteraction } from '@/lib/integrations/slack/interactions';
import { log, withLogContext } from '@/lib/log';

/**
 * Slack's interactivity URL. Not a cookie or token route: Slack's request signature is the authentication and the
 * linked user's role the authorisation, both checked by handleSlackInteraction (lib/integrations/slack). The answer
 * goes out first (Slack's 3-second window); the decision and the response_url update run after it.
 */
export async function POST(request: Request): Promise<Response> {
  return withLogContext(request.headers, async () => {
    try {
      const { response, background } = await handleSlackInteraction(await getDb(), request);
      if (background) runAfterResponse(background);
      return response;
    } catch (err) {
      return errorResponse(err);
    }
  });
}

/** after() needs Next's request scope; called outside one (a test calling the handler) the task just runs. */
function runAfterResponse(task: () => Promise<void>) {
  const safe = () => task().catch((err: unknown) => log().error({ err }, 'slack interaction failed after the answer'));
  try {
    after(safe);
  } catch {
    void safe();
  }
}
