//! With no Vulkan driver visible, creating a session is `Error::NoDevice`, not a panic or a
//! link failure. One test per file: it points the loader at a missing driver manifest
//! through the environment, which must not leak into the device tests.

mod common;

use runtime_min::{Bundle, Error, Session, SessionOptions};

#[test]
fn missing_driver_is_no_device() {
    std::env::set_var("VK_ICD_FILENAMES", "/nonexistent/runtime-min-test-icd.json");
    std::env::set_var("VK_DRIVER_FILES", "/nonexistent/runtime-min-test-icd.json");
    let bundle = Bundle::from_vec(common::axpb().0.build()).unwrap();
    let e = Session::new(&bundle, &SessionOptions::default()).unwrap_err();
    assert!(matches!(&e, Error::NoDevice { api, .. } if api == "Vulkan"), "{e}");
    eprintln!("{e}");
}
