"""Hand-written pieces of `oxide.types` (the only files under oxide/types not generated).

`make sync-types` never writes or deletes anything here.

* `responses.py`: mixins giving generated models the SDK's methods and properties
  (`Response.output_text`, `ParsedResponse.output_parsed`); `codegen/generate.py:MIXINS` maps
  SDK classes to them, and the generator fails when an SDK model grows a method without one.
* `_support.py`: the names request params import from the SDK's `_types` module
  (`SequenceNotStr`, `FileTypes`, ...), for type checking.
"""
