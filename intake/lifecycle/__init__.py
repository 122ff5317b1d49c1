"""The application layer: the dossier's lifecycle, written once.

register an upload → read its pages → group, assemble and check (`check_and_save`) → review (correct a field,
override a finding, decide) → archive. The CLI, the Celery tasks, the embedded pool and the Flask views only
translate their inputs into calls of these functions; none of them opens its own transaction on the
dossier's tables or runs the checks itself.

One job per module:
- context: `Context`, `open_context` (entry points), `process_context` (one per worker process);
- register: `register_paths` / `register_uploads` → a dossier `reading` with pending pages;
- reading: read a page (`read_stored_page`), the page step the runners repeat (`read_page_step`,
  MAX_ATTEMPTS), `claim_finish` (`reading` → `checking` exactly once);
- finishing: continuation pages tied to their documents, `check_and_save` as of the day received, review;
- checking: `check_and_save(as_of, notice)`, the one place the checks run and are saved;
- review: a reviewer's corrections, overrides and decisions; archiving;
- recovery: what a crash left half-done; scheduled: deadline reminders and due notices.

Below this package: `intake.files` (files in), `storage` (persistence), the domain (`intake.checks`,
`intake.record`, `intake.types`), `ocr` and the vocabulary. Above it: `workers`, `review_ui`, `intake.cli`.
"""
