//! placeholder until the spatial-ops helper lands its file
use std::collections::BTreeMap;
pub fn register(_reg: &mut BTreeMap<&'static str, super::ImportFn>) {}
