"""clerc's own widgets. Their styles sit next to them in .tcss files, which the app loads
(Textual reads CSS_PATH on apps and screens only): an app that shows these widgets lists
`CSS_PATHS` in its own CSS_PATH, before its own files so that these win no tie."""

from pathlib import Path

_HERE = Path(__file__).parent

CSS_PATHS = [_HERE / "key_bar.tcss", _HERE / "row_table.tcss", _HERE / "form_field.tcss", _HERE / "sms_preview.tcss"]
