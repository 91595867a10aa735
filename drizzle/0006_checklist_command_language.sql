-- Hand-written: the language of an item's command block (```bash), kept so a checklist's Markdown export writes the
-- fence as it was imported (issue 16.15). lib/checklists/markdown.ts parses and writes it; lib/checklists/store.ts stores it.
ALTER TABLE "checklist_items" ADD COLUMN IF NOT EXISTS "command_language" text;
