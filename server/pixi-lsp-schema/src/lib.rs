//! JSON Schema (the subset our schemas in `schemas/` use) compiled once and applied to the
//! syntax tree: validation with exact ranges, and navigation by key path for completion and
//! hover. Knows nothing of pixi or LSP.
//!
//! Supported keywords: `$defs`/`$ref` (local), `type`, `properties`, `additionalProperties`,
//! `patternProperties`, `propertyNames`, `required`, `items`, `minItems`, `maxItems`,
//! `uniqueItems`, `enum`, `const`, `pattern`, `minLength`, `maxLength`, `minimum`,
//! `maximum`, `anyOf`, `oneOf`, `allOf`, `not`, and the annotations `title`, `description`,
//! `default`, `examples`, `deprecated`, `x-deprecated-message`.

mod compile;
mod navigate;
mod validate;

pub use compile::{Additional, JsonType, Schema, SchemaError, SchemaId, SchemaNode};
pub use navigate::PropertyInfo;
pub use validate::describe_value;

#[cfg(test)]
mod tests;
