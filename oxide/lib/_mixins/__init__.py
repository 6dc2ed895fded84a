"""Hand-written methods of generated resource classes (the generator attaches them by name:
see `MIXINS` in `codegen/resources.py`). They are the SDK's helper methods whose bodies use
oxide's own helpers (`oxide.lib`): structured-output parsing, stream managers, base64
embeddings."""
