"""The application layer: the dossier's lifecycle, written once.

register an upload → read its pages → group, assemble and check (`check_and_save`) → review (correct a field,
override a finding, decide) → archive. The CLI, the Celery tasks, the embedded pool and the Flask views only
translate their inputs into calls of these functions; none of them opens its own transaction on the
dossier's tables or runs the checks itself.

Below this package: `intake.files` (files in), `storage` (persistence), the domain (`intake.checks`,
`intake.record`, `intake.types`), `ocr` and the vocabulary. Above it: `workers`, `review_ui`, `intake.cli`.
"""
