//! `negotiateCapabilities` (§4.1).

use serde::{Deserialize, Serialize};

/// What the frontend (us) supports; currently always `{}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FrontendCapabilities {}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NegotiateCapabilitiesParams {
    pub capabilities: FrontendCapabilities,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NegotiateCapabilitiesResult {
    pub capabilities: BackendCapabilities,
}

/// `null` means `false` for both flags.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackendCapabilities {
    #[serde(default)]
    pub provides_conda_outputs: Option<bool>,
    #[serde(default)]
    pub provides_conda_build_v1: Option<bool>,
}

impl BackendCapabilities {
    /// Both methods, as every API version 1..=7 backend must provide.
    pub fn full() -> Self {
        Self {
            provides_conda_outputs: Some(true),
            provides_conda_build_v1: Some(true),
        }
    }

    /// The methods API version 7 expects but this backend does not provide.
    pub fn missing(&self) -> Vec<&'static str> {
        let mut missing = Vec::new();
        if self.provides_conda_outputs != Some(true) {
            missing.push(super::methods::CONDA_OUTPUTS);
        }
        if self.provides_conda_build_v1 != Some(true) {
            missing.push(super::methods::CONDA_BUILD_V1);
        }
        missing
    }
}
