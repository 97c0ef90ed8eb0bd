//! One module per LSP method, each with one `handle_*` function.

pub(crate) mod code_action;
pub(crate) mod code_lens;
pub(crate) mod completion;
pub(crate) mod did_change;
pub(crate) mod did_change_configuration;
pub(crate) mod did_close;
pub(crate) mod did_open;
pub(crate) mod did_save;
pub(crate) mod document_link;
pub(crate) mod document_symbol;
pub(crate) mod execute_command;
pub(crate) mod folding_range;
pub(crate) mod formatting;
pub(crate) mod hover;
pub(crate) mod initialize;
pub(crate) mod inlay_hint;
pub(crate) mod publish_diagnostics;
pub(crate) mod range_formatting;
pub(crate) mod recipe_content;
pub(crate) mod selection_range;
pub(crate) mod semantic_tokens_full;
pub(crate) mod work_done_progress_cancel;
