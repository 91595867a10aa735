import type { PauseNotice } from '@/lib/interventions/notifications';
import { env } from '@/lib/env';

/**
 * Slack Block Kit messages: the pause (with its buttons), the outcome that replaces the buttons, and the
 * ephemeral explanations. Pure functions: the outbox (./outbox.ts) and the interaction handler (./interactions.ts)
 * send what they return. Every interactive button carries the pause id as `value`; the action ids are below.
 */
export const slackActionIds = {
  resume: 'flightdeck.resume',
  abort: 'flightdeck.abort',
  restore: 'flightdeck.restore',
  open: 'flightdeck.open',
} as const;
export type SlackDecision = 'resume' | 'abort' | 'restore';

type Block = Record<string, unknown>;
export type SlackMessage = { text: string; blocks: Block[] };

/** Slack's mrkdwn needs &, < and > escaped; everything a person or agent wrote goes through this. */
export function slackEscape(s: string) {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text: clip(text, 2900) });
const plain = (text: string) => ({ type: 'plain_text', text: clip(text, 75), emoji: true });

/**
 * A time as Slack shows it, in each reader's own time zone (`<!date^…>`); the fallback (clients that cannot) in UTC.
 * `format` is Slack's token: '{time}' → 14:02, '{ago}' → "3 minutes ago".
 */
export function slackDate(at: Date, format: '{time}' | '{ago}' | '{date_short_pretty} {time}') {
  const fallback = `${at.toISOString().slice(11, 16)} UTC`;
  return `<!date^${Math.floor(at.getTime() / 1000)}^${format}|${fallback}>`;
}

/** The console page of a paused session, from APP_URL (PUBLIC_URL is its alias); null when neither is set. */
export function sessionUrl(sessionId: string): string | null {
  const base = env().APP_URL;
  return base ? `${base.replace(/\/$/, '')}/sessions/${encodeURIComponent(sessionId)}` : null;
}

/** The message posted when a session pauses: who, why, where, how long ago, and what you can do about it. */
export function buildSlackPauseMessage(n: PauseNotice): SlackMessage {
  const type = n.pause.pauseType.replace(/_/g, ' ');
  const text = `⏸ ${n.project} / ${n.agentName} paused (${type}): ${n.pause.reason}`;
  const lastError = n.pause.context?.last_error;
  const url = sessionUrl(n.pause.sessionId);
  const id = n.pause.id;
  const button = (decision: SlackDecision, label: string, extra: Block = {}) => ({
    type: 'button',
    action_id: slackActionIds[decision],
    text: plain(label),
    value: id,
    ...extra,
  });
  return {
    text: clip(text, 3000),
    blocks: [
      { type: 'header', text: plain(`⏸ ${n.project} / ${n.agentName} paused`) },
      { type: 'section', text: mrkdwn(`*Reason*\n${slackEscape(n.pause.reason)}`) },
      {
        type: 'section',
        fields: [
          mrkdwn(`*Project*\n${slackEscape(n.project)}`),
          mrkdwn(`*Agent*\n${slackEscape(n.agentName)}`),
          mrkdwn(`*Pause type*\n${type}`),
          mrkdwn(`*Task*\n${slackEscape(n.pause.currentTask ?? '—')}`),
          mrkdwn(`*Paused*\n${slackDate(new Date(n.pause.pausedAt), '{ago}')}`),
        ],
      },
      ...(lastError ? [{ type: 'section', text: mrkdwn(`*Last error*\n\`\`\`${slackEscape(clip(lastError, 1500))}\`\`\``) }] : []),
      {
        type: 'actions',
        block_id: `flightdeck_pause_${id}`,
        elements: [
          button('resume', 'Resume', { style: 'primary' }),
          button('abort', 'Abort', {
            style: 'danger',
            confirm: {
              title: plain('Abort this session?'),
              text: mrkdwn(`${slackEscape(n.project)} / ${slackEscape(n.agentName)} ends as aborted; the agent stops.`),
              confirm: plain('Abort'),
              deny: plain('Cancel'),
            },
          }),
          button('restore', 'Restore last valid checkpoint'),
          ...(url ? [{ type: 'button', action_id: slackActionIds.open, text: plain('Open'), url }] : []),
        ],
      },
    ],
  };
}

/**
 * The pause message with its buttons replaced by the outcome line ("Resumed by Ana Lee at 14:02 — note …"),
 * sent to the interaction's response_url with `replace_original`. `original` is the message's blocks as Slack
 * sent them back in the payload (without them, the outcome alone).
 */
export function outcomeMessage(original: unknown[] | undefined, outcome: string) {
  const kept = (original ?? []).filter((b) => (b as Block | null)?.type !== 'actions') as Block[];
  return {
    replace_original: true,
    text: clip(outcome, 3000),
    blocks: [...kept, { type: 'context', elements: [mrkdwn(outcome)] }],
  };
}

/** An explanation only the person who clicked sees; the message and its buttons stay as they were. */
export function ephemeralMessage(text: string) {
  return { response_type: 'ephemeral' as const, replace_original: false, text };
}

/** A follow-up in the channel (an escalation step, or an outcome decided elsewhere). */
export function updateMessage(text: string): SlackMessage {
  return { text: clip(text, 3000), blocks: [{ type: 'context', elements: [mrkdwn(text)] }] };
}
