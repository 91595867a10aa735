import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseChecklistMarkdown,
  previewChecklist,
  toMarkdown,
  type ChecklistDraft,
  type DraftItem,
} from './markdown';

// The design documents live beside the repository (../shared/seeds from the repo root); SEEDS_DIR points
// elsewhere, e.g. from a git worktree.
const seedsDir = process.env.SEEDS_DIR ?? path.resolve(__dirname, '../../../shared/seeds');
const seeds = existsSync(seedsDir) ? readdirSync(seedsDir).filter((f) => f.endsWith('.txt')) : [];

function roundTrip(draft: ChecklistDraft) {
  return parseChecklistMarkdown(toMarkdown(draft));
}

function counts(draft: ChecklistDraft) {
  return previewChecklist(draft).sections.map((s) => [s.phase, s.title, s.items]);
}

/** What a reader of each seed counts by hand: its checklist sections and `- [ ]` items, in order. */
const expected: Record<string, { sections: [string, string, number][]; roles?: string[] }> = {
  '000': {
    sections: [
      ['pre_deployment', 'Pre-Deployment', 5],
      ['deployment', 'Deployment', 5],
      ['post_deployment', 'Post-Deployment', 5],
      ['rollback_criteria', 'Emergency Rollback (Code Only)', 0],
      ['rollback_criteria', 'Database Rollback (If Needed)', 0],
      ['success_criteria', 'Success Criteria', 0],
    ],
  },
  '001': { sections: [] },
  '002': {
    sections: [
      ['rollback_criteria', '5. Create Rollback Script (Safety Net)', 0],
      ['pre_deployment', 'Pre-Deploy (DEV environment)', 6],
      ['deployment', 'Deploy to PROD', 7],
      ['post_deployment', 'Post-Deploy (2 weeks later)', 3],
      ['success_criteria', 'Success Criteria', 0],
    ],
  },
  '003': {
    sections: [
      ['pre_deployment', 'Pre-Deployment', 6],
      ['deployment', 'During Deployment', 5],
      ['post_deployment', 'Post-Deployment Validation', 5],
      ['rollback_criteria', 'Rollback Criteria', 0],
      ['success_criteria', 'Functional Requirements', 0],
      ['success_criteria', 'Performance Requirements', 0],
      ['success_criteria', 'Reliability Requirements', 0],
      ['custom', 'Development Team', 3],
      ['custom', 'QA Team', 3],
      ['custom', 'DevOps Team', 3],
      ['custom', 'Production Deployment', 4],
    ],
    roles: ['development', 'qa', 'devops', 'production'],
  },
  '004': {
    sections: [
      ['post_deployment', 'Automated Health Checks', 6],
      ['post_deployment', 'Functional Validation', 6],
      ['post_deployment', 'Monitoring Setup', 5],
      ['rollback_criteria', 'ðŸ“Š Rollback Plan', 0],
      ['rollback_criteria', 'Immediate Rollback (Data Safe)', 0],
      ['rollback_criteria', 'Data Preservation', 0],
      ['success_criteria', 'ðŸŽ¯ Success Criteria', 0],
    ],
  },
};

describe('Markdown import of the seeds', () => {
  if (!seeds.length) {
    it.skip(`seed documents not found at ${seedsDir}; the seed import tests need ../shared/seeds`, () => {});
    return;
  }
  for (const file of seeds) {
    const markdown = readFileSync(path.join(seedsDir, file), 'utf8');
    const key = file.slice(0, 3);
    it(`${file}: sections and item counts match the document`, () => {
      const draft = parseChecklistMarkdown(markdown);
      if (expected[key]) expect(counts(draft)).toEqual(expected[key].sections);
      const lines = markdown.split('\n');
      // Every `- [ ]` outside code fences is an item somewhere.
      let inFence = false;
      let boxes = 0;
      for (const l of lines) {
        if (/^\s*(```|~~~)/.test(l)) inFence = !inFence;
        else if (!inFence && /^\s*[-*+] \[[ xX]\]/.test(l)) boxes++;
      }
      expect(previewChecklist(draft).totals.items).toBe(boxes);
    });
    it(`${file}: export → import is identity`, () => {
      const draft = parseChecklistMarkdown(markdown);
      expect(roundTrip(draft)).toEqual(draft);
      expect(roundTrip(roundTrip(draft))).toEqual(draft);
    });
  }

  it('003: the sign-off block gives the four roles and their own sections', () => {
    const file = seeds.find((f) => f.startsWith('003'));
    if (!file) return;
    const draft = parseChecklistMarkdown(readFileSync(path.join(seedsDir, file), 'utf8'));
    expect(draft.requiredRoles).toEqual(expected['003'].roles);
    expect(draft.sections.filter((s) => s.signoffRole).map((s) => [s.title, s.signoffRole])).toEqual([
      ['Development Team', 'development'],
      ['QA Team', 'qa'],
      ['DevOps Team', 'devops'],
      ['Production Deployment', 'production'],
    ]);
    const rollback = draft.sections.find((s) => s.phase === 'rollback_criteria');
    expect(rollback?.description).toContain('Database connection errors > 5%');
  });

  it('004: broken encoding is kept as written', () => {
    const file = seeds.find((f) => f.startsWith('004'));
    if (!file) return;
    const draft = parseChecklistMarkdown(readFileSync(path.join(seedsDir, file), 'utf8'));
    expect(draft.sections.some((s) => s.title.includes('ðŸ“Š'))).toBe(true);
    expect(toMarkdown(draft)).toContain('ðŸŽ¯ Success Criteria');
  });
});

describe('Markdown import edge cases', () => {
  it('items outside any heading go to a default section', () => {
    const draft = parseChecklistMarkdown('Intro text\n\n- [ ] one\n- [x] two\n');
    expect(draft.title).toBeNull();
    expect(counts(draft)).toEqual([['custom', 'Checklist', 2]]);
    expect(draft.sections[0].items.map((i) => i.checked)).toEqual([false, true]);
    expect(draft.requiredRoles).toEqual(['development', 'qa', 'devops', 'production']);
    expect(roundTrip(draft)).toEqual(draft);
  });

  it('mixed bullets, checked states and ordered lists', () => {
    const draft = parseChecklistMarkdown(
      '## Pre-Deployment\n- [ ] dash\n* [x] star\n+ [X] plus\n1. [ ] ordered\n- not an item\n- [] not either\n',
    );
    const items = draft.sections[0].items;
    expect(items.map((i) => [i.text, i.checked])).toEqual([
      ['dash', false],
      ['star', true],
      ['plus', true],
      ['ordered', false],
    ]);
    expect(draft.sections[0].description).toBe('- not an item\n- [] not either');
    expect(roundTrip(draft)).toEqual(draft);
  });

  it('deep nesting keeps every level as sub-items', () => {
    const depth = 40;
    const md = Array.from({ length: depth }, (_, d) => `${'  '.repeat(d)}- [ ] level ${d}`).join('\n');
    const draft = parseChecklistMarkdown(`## Deployment\n${md}\n- [ ] sibling\n`);
    let node: DraftItem | undefined = draft.sections[0].items[0];
    for (let d = 0; d < depth; d++) {
      expect(node?.text).toBe(`level ${d}`);
      node = node?.children[0];
    }
    expect(draft.sections[0].items.map((i) => i.text)).toEqual(['level 0', 'sibling']);
    const p = previewChecklist(draft);
    expect(p.totals).toMatchObject({ items: depth + 1, subItems: depth - 1 });
    expect(roundTrip(draft)).toEqual(draft);
  });

  it('irregular indentation and tabs nest by relative depth', () => {
    const draft = parseChecklistMarkdown('- [ ] a\n    - [ ] b\n  - [ ] c\n\t- [ ] d\n- [ ] e\n');
    const [a, e] = draft.sections[0].items;
    expect(a.children.map((c) => c.text)).toEqual(['b', 'c']);
    expect(a.children[1].children.map((c) => c.text)).toEqual(['d']);
    expect(e.text).toBe('e');
    expect(roundTrip(draft)).toEqual(draft);
  });

  it('empty items are items with empty text', () => {
    const draft = parseChecklistMarkdown('## Deployment\n- [ ]\n- [x]   \n- [ ] (optional)\n');
    expect(draft.sections[0].items).toEqual([
      { text: '', checked: false, required: true, command: null, children: [] },
      { text: '', checked: true, required: true, command: null, children: [] },
      { text: '', checked: false, required: false, command: null, children: [] },
    ]);
    expect(roundTrip(draft)).toEqual(draft);
  });

  it('a fenced block under an item is its command; elsewhere it is description', () => {
    const md = [
      '## Deployment',
      'Run these in order:',
      '```bash',
      '# not a heading',
      '- [ ] not an item',
      '```',
      '- [ ] Apply schema',
      '',
      '  ```bash',
      '  psql -f schema.sql',
      '    --single-transaction',
      '  ```',
      '  - [ ] (optional) Nested with command',
      '    ~~~',
      '    echo ```',
      '    ~~~',
      '- [ ] No command',
    ].join('\n');
    const draft = parseChecklistMarkdown(md);
    const [apply, none] = draft.sections[0].items;
    expect(apply.command).toBe('psql -f schema.sql\n  --single-transaction');
    expect(apply.children[0]).toMatchObject({ required: false, command: 'echo ```' });
    expect(none.command).toBeNull();
    expect(draft.sections[0].description).toContain('- [ ] not an item');
    expect(previewChecklist(draft).totals).toMatchObject({ items: 3, commands: 2, subItems: 1 });
    expect(roundTrip(draft)).toEqual(draft);
  });

  it('an unclosed fence does not crash', () => {
    const draft = parseChecklistMarkdown('## Deployment\n- [ ] a\n```\nrm -rf /tmp/x\n## not a heading\n');
    expect(draft.sections[0].items[0].command).toBe('rm -rf /tmp/x\n## not a heading\n');
    expect(roundTrip(draft)).toEqual(draft);
  });

  it('phases come from the heading, else from the heading above, else custom', () => {
    const md = [
      '# Release 2.0',
      '## Post-Deployment Validation',
      '### Monitoring Setup',
      '- [ ] APM',
      '## Rollback Criteria',
      '- Error rate > 5%',
      '## Success Criteria',
      '1. Orders flow',
      '## Team Notes',
      '- [ ] Tell support',
      '## Overview',
      'Prose only: dropped.',
    ].join('\n');
    const draft = parseChecklistMarkdown(md);
    expect(draft.title).toBe('Release 2.0');
    expect(counts(draft)).toEqual([
      ['post_deployment', 'Monitoring Setup', 1],
      ['rollback_criteria', 'Rollback Criteria', 0],
      ['success_criteria', 'Success Criteria', 0],
      ['custom', 'Team Notes', 1],
    ]);
    expect(roundTrip(draft)).toEqual(draft);
  });

  it('items right under the title heading stay in a section named after it', () => {
    const draft = parseChecklistMarkdown('# Pre-Deployment\n- [ ] a\n## Deployment\n- [ ] b\n');
    expect(draft.title).toBe('Pre-Deployment');
    expect(counts(draft)).toEqual([
      ['pre_deployment', 'Pre-Deployment', 1],
      ['deployment', 'Deployment', 1],
    ]);
    expect(roundTrip(draft)).toEqual(draft);
  });

  it('a sign-off block of role lines gives the required roles and the names already signed', () => {
    const md = [
      '## Deployment',
      '- [ ] ship',
      '## Approvals',
      '',
      'Development: ____ Date: ____',
      '**QA:** Jane Doe  **Date:** 2025-01-02',
      '- Production Sign-off: _______________',
    ].join('\n');
    const draft = parseChecklistMarkdown(md);
    expect(draft.requiredRoles).toEqual(['development', 'qa', 'production']);
    expect(draft.signatures).toEqual([{ role: 'qa', name: 'Jane Doe', date: '2025-01-02' }]);
    expect(previewChecklist(draft)).toMatchObject({
      requiredRoles: ['development', 'qa', 'production'],
      totals: { sections: 1, items: 1 },
    });
    expect(roundTrip(draft)).toEqual(draft);
  });

  it('broken encoding and odd characters are kept as they are', () => {
    const md = '## âœ… Post-Deployment\n- [x] Ã©tÃ© â€” done âœ…\n- [ ] \uFFFD\u0000 control\n- [ ] 帮我准备\n';
    const draft = parseChecklistMarkdown(md);
    expect(draft.sections[0].phase).toBe('post_deployment');
    expect(draft.sections[0].items.map((i) => i.text)).toEqual([
      'Ã©tÃ© â€” done âœ…',
      '\uFFFD\u0000 control',
      '帮我准备',
    ]);
    expect(roundTrip(draft)).toEqual(draft);
  });

  it('CRLF line endings and a byte-order mark', () => {
    const draft = parseChecklistMarkdown('\uFEFF# T\r\n## Deployment\r\n- [ ] a\r\n  - [x] b\r\n');
    expect(draft.title).toBe('T');
    expect(counts(draft)).toEqual([['deployment', 'Deployment', 2]]);
    expect(draft.sections[0].items[0].children[0]).toMatchObject({ text: 'b', checked: true });
  });

  it('5,000 items across sections', () => {
    const lines: string[] = ['# Big'];
    for (let s = 0; s < 50; s++) {
      lines.push(`## Section ${s}`);
      for (let i = 0; i < 100; i++) lines.push(`${i % 5 === 4 ? '  ' : ''}- [${i % 3 ? ' ' : 'x'}] item ${s}.${i}`);
    }
    const draft = parseChecklistMarkdown(lines.join('\n'));
    const p = previewChecklist(draft);
    expect(p.totals).toMatchObject({ sections: 50, items: 5_000, subItems: 1_000 });
    expect(p.sections.every((s) => s.items === 100)).toBe(true);
    expect(p.totals.checked).toBe(50 * 34);
    expect(roundTrip(draft)).toEqual(draft);
  });

  it('text that is not a checklist yields no sections and does not crash', () => {
    for (const md of ['', '\n\n', '# Only a title', '```\n- [ ] fenced\n', '| a | b |\n|---|---|', '#'.repeat(9)]) {
      const draft = parseChecklistMarkdown(md);
      expect(draft.sections).toEqual([]);
      expect(roundTrip(draft)).toEqual(draft);
    }
  });

  it('keeps the intro paragraph under the title (preview, round trip) without counting it as a section', () => {
    const md = '# Release 2.4\n\nShip the **billing** rewrite; error rate must stay < 0.5%.\n\n## Deployment\n- [ ] Deploy\n';
    const draft = parseChecklistMarkdown(md);
    expect(draft.sections[0]).toMatchObject({ title: 'Release 2.4', items: [], description: 'Ship the **billing** rewrite; error rate must stay < 0.5%.' });
    const p = previewChecklist(draft);
    expect(p.intro).toBe('Ship the **billing** rewrite; error rate must stay < 0.5%.');
    expect(p.totals.sections).toBe(1);
    expect(counts(draft)).toEqual([['deployment', 'Deployment', 1]]);
    expect(toMarkdown(draft)).toContain('# Release 2.4\n\nShip the **billing** rewrite');
    expect(roundTrip(draft)).toEqual(draft);
    // An intro alone is not a checklist.
    expect(previewChecklist(parseChecklistMarkdown('# T\n\nJust prose.\n')).totals.sections).toBe(0);
  });

  it('keeps a command block\'s language through export', () => {
    const draft = parseChecklistMarkdown('## Deployment\n- [ ] Migrate\n  ```bash\n  npm run db:migrate\n  ```\n- [ ] Plain\n  ```\n  echo hi\n  ```\n');
    const [migrate, plain] = draft.sections[0].items;
    expect(migrate).toMatchObject({ command: 'npm run db:migrate', commandLanguage: 'bash' });
    expect(plain.commandLanguage).toBeUndefined();
    expect(toMarkdown(draft)).toContain('  ```bash\n  npm run db:migrate\n  ```');
    expect(roundTrip(draft)).toEqual(draft);
  });
});
