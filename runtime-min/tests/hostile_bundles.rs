//! Hostile bundles: every file here carries a VALID hash (it is written by
//! `bundle::write`, or re-sealed after a header edit) and one hostile field. Each must be
//! refused by `bundle::open` with device limits (or, for what only the backend can judge,
//! by `Session::new` on lavapipe) before any buffer, shader module or pipeline exists,
//! with an error whose `field` names the offending manifest path.
//!
//! The starting point is the axpb bundle of `common` (two SPIR-V kernels, a weights pool
//! and an activations pool), which is accepted as it is. `vulkan_basic.rs` already covers:
//! a binding offset past its pool, little-endian garbage instead of the SPIR-V magic, a
//! flipped byte (hash mismatch), grid[0] above lavapipe's limit at `Session::new`, a kernel
//! declaring a writable binding that a dispatch points at the weights pool, and a
//! push-constant size that is not a multiple of 4. Everything else is here.

mod common;

use common::*;
use runtime_min::bundle::{self, Access, BufferRange, BundleError, DeviceLimits, ElemType, ImageGeometry, KernelLanguage, Layout, Pool, PoolRole, StorageKind, HEADER_LEN};
use runtime_min::{Bundle, Error, SessionOptions};

/// lavapipe's figures (vulkaninfo, Mesa 22.3; targets/lavapipe.toml) with a 4 GiB budget.
fn limits() -> DeviceLimits {
    DeviceLimits {
        max_storage_buffer_range: 134_217_728,
        max_workgroup_invocations: 1024,
        max_workgroup_size: [1024, 1024, 1024],
        max_workgroup_count: [65535, 65535, 65535],
        max_push_constants_size: 128,
        max_shared_memory_bytes: 32768,
        min_storage_buffer_offset_alignment: 16,
        fp16: true,
        int8_dot: true,
        cooperative_matrix: false,
        subgroup_size: 8,
        subgroup_arithmetic: true,
        memory_bytes: 4 << 30,
        max_image2d: [0, 0], // the Vulkan backend binds no images
    }
}

fn base() -> Builder {
    axpb().0
}

/// `bundle::open` with `limits` must refuse `bytes` with an Invalid error whose field
/// contains every one of `field_parts`, and whose message contains `message`.
fn refused_with(bytes: &[u8], limits: &DeviceLimits, field_parts: &[&str], message: &str) {
    match bundle::open(bytes, Some(limits)) {
        Ok(_) => panic!("hostile bundle accepted (expected a refusal naming {field_parts:?})"),
        Err(BundleError::Invalid { field, message: m }) => {
            for part in field_parts {
                assert!(field.contains(part), "field '{field}' does not name {part:?} (message: {m})");
            }
            assert!(m.contains(message), "{field}: message '{m}' lacks {message:?}");
        }
        Err(other) => panic!("expected an Invalid error naming {field_parts:?}, got: {other}"),
    }
}

fn refused(bld: &Builder, field_parts: &[&str], message: &str) {
    refused_with(&bld.build(), &limits(), field_parts, message);
}

/// `Session::new` on this machine's Vulkan device (lavapipe) must refuse the bundle with an
/// Invalid error naming `field_parts`; `bundle::open` (no device limits) accepts it.
fn refused_by_session(bld: &Builder, field_parts: &[&str], message: &str) {
    let bundle = Bundle::from_vec(bld.build()).unwrap_or_else(|e| panic!("open refused what only the device can judge: {e}"));
    match runtime_min::Session::new(&bundle, &SessionOptions::default()) {
        Ok(_) => panic!("Session::new accepted a hostile bundle (expected a refusal naming {field_parts:?})"),
        Err(Error::Bundle(BundleError::Invalid { field, message: m })) => {
            for part in field_parts {
                assert!(field.contains(part), "field '{field}' does not name {part:?} (message: {m})");
            }
            assert!(m.contains(message), "{field}: message '{m}' lacks {message:?}");
        }
        Err(e @ Error::NoDevice { .. }) => panic!("these tests need a Vulkan driver (lavapipe: apt-get install mesa-vulkan-drivers): {e}"),
        Err(other) => panic!("expected an Invalid error naming {field_parts:?}, got: {other}"),
    }
}

#[test]
fn the_unmodified_bundle_is_accepted() {
    let bytes = base().build();
    let view = bundle::open(&bytes, Some(&limits())).expect("axpb must pass the verifier with lavapipe's limits");
    // The indices the cases below rely on.
    let m = &view.manifest;
    assert_eq!(m.pools.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["weights", "activations"]);
    assert_eq!(m.tensors.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["a", "b", "x", "t", "y"]);
    assert_eq!((m.inputs.clone(), m.outputs.clone()), (vec![2], vec![4]));
    assert_eq!(m.kernels.len(), 2);
    assert_eq!(m.programs[0].dispatches.len(), 2);
}

// ---- tensors ---------------------------------------------------------------------------

#[test]
fn tensor_storage_offset_past_its_pool() {
    let mut b = base();
    b.m.tensors[3].storage.offset = 12544; // activations pool is 12544 bytes
    refused(&b, &["tensors[3] 't'.storage"], "outside pool 'activations'");
    let mut b = base();
    b.m.tensors[3].storage.offset = u64::MAX - 8; // offset + size overflows
    refused(&b, &["tensors[3] 't'.storage"], "outside");
}

#[test]
fn tensor_storage_in_a_pool_that_does_not_exist() {
    let mut b = base();
    b.m.tensors[0].storage.pool = 2;
    refused(&b, &["tensors[0] 'a'.storage.pool"], "pool index 2 out of range");
}

#[test]
fn tensor_whose_element_count_overflows_u64() {
    let mut b = base();
    b.m.tensors[3].shape = vec![u64::MAX, 2];
    refused(&b, &["tensors[3] 't'.shape"], "element count overflows");
    // The count fits, the byte size (x 4 bytes of f32) does not.
    let mut b = base();
    b.m.tensors[3].shape = vec![1 << 62];
    refused(&b, &["tensors[3] 't'.shape"], "byte size overflows");
}

#[test]
fn linear_tensor_storage_smaller_than_its_shape() {
    let mut b = base();
    b.m.tensors[3].shape = vec![1001]; // 4004 bytes in a 4000-byte slot
    refused(&b, &["tensors[3] 't'.storage.size"], "cannot hold 1001 elements");
}

#[test]
fn input_tensor_with_non_linear_layout() {
    let mut b = base();
    b.m.tensors[2].storage.layout = Layout::Phwc4;
    refused(&b, &["inputs[0] 'x'"], "linear layout");
    let mut b = base();
    b.m.tensors[4].storage.layout = Layout::Phwc4;
    refused(&b, &["outputs[0] 'y'"], "linear layout");
}

#[test]
fn graph_output_in_the_weights_pool() {
    let mut b = base();
    b.m.tensors[4].storage.pool = 0;
    b.m.tensors[4].storage.offset = 0; // inside the weights pool, so only the role is wrong
    refused(&b, &["outputs[0] 'y'"], "activations pool");
}

#[test]
fn input_index_past_the_tensor_table() {
    let mut b = base();
    b.m.inputs[0] = 5;
    refused(&b, &["inputs[0]"], "tensor index 5 out of range");
}

// ---- dispatches run beside others (side_after) ------------------------------------------

#[test]
fn side_dispatch_that_starts_at_or_after_itself() {
    let mut b = base();
    b.m.programs[0].dispatches[1].side_after = Some(1);
    refused(&b, &["dispatches[1]", "side_after"], "is not before the dispatch's own index 1");
}

#[test]
fn side_dispatch_that_reads_activations() {
    let mut b = base();
    b.m.programs[0].dispatches[1].side_after = Some(0);
    refused(&b, &["dispatches[1]", "bindings[0]"], "reads only the weights pool");
}

#[test]
fn side_dispatch_whose_output_a_dispatch_beside_it_binds() {
    // A third dispatch, t = a * b (weights only), from dispatch 0 on: dispatches 0 and 1,
    // which write and read t, would run beside it.
    let mut b = base();
    let mut d = b.m.programs[0].dispatches[0].clone();
    d.bindings = vec![b.m.programs[0].dispatches[0].bindings[0], b.m.programs[0].dispatches[1].bindings[1], b.m.programs[0].dispatches[0].bindings[2]];
    d.side_after = Some(0);
    b.m.programs[0].dispatches.push(d);
    refused(&b, &["dispatches[2]", "side_after"], "dispatch 0 't = a * x', which may run beside it, binds memory it writes");
}

// ---- pools -----------------------------------------------------------------------------

#[test]
fn huge_declared_pool_sizes() {
    // 1 TiB of activations: every range still lies inside, but the device has 4 GiB.
    let mut b = base();
    b.m.pools[1].size = 1 << 40;
    refused(&b, &["pools"], "exceeds the device memory");
    // Sizes whose sum overflows u64.
    let mut b = base();
    b.m.pools[0].size = u64::MAX;
    refused(&b, &["pools[1].size"], "overflows");
}

#[test]
fn huge_pool_is_refused_by_the_session_before_allocation() {
    // 1 PiB: more than any lavapipe host has; refused against the device's own heap size.
    let mut b = base();
    b.m.pools[1].size = 1 << 50;
    refused_by_session(&b, &["pools"], "exceeds the device memory");
}

// ---- weight uploads ----------------------------------------------------------------------

#[test]
fn weight_upload_into_an_activations_pool() {
    let mut b = base();
    b.m.weights[0].pool = 1;
    refused(&b, &["weights[0].pool"], "not a weights pool");
}

#[test]
fn weight_upload_past_its_pool_or_section() {
    let mut b = base();
    b.m.weights[1].pool_offset = 8192 - 100; // 4000 bytes from here leave the 8192-byte pool
    refused(&b, &["weights[1]"], "outside pool 'weights'");
    let mut b = base();
    b.m.weights[1].data.len = 8000; // the weights section holds 4096 + 4000 bytes
    refused(&b, &["weights[1].data"], "outside the weights section");
    let mut b = base();
    b.m.weights[0].pool = 9;
    refused(&b, &["weights[0].pool"], "pool index 9 out of range");
}

#[test]
fn weight_data_offset_not_256_aligned() {
    let mut b = base();
    b.m.weights[1].data.offset = 4000; // 4000 + 4000 still inside the 8096-byte section
    refused(&b, &["weights[1].data.offset"], "256-byte aligned");
}

// ---- kernels -------------------------------------------------------------------------------

#[test]
fn kernel_code_range_past_the_kernels_section() {
    let mut b = base();
    let len = b.kernels.len() as u64;
    b.m.kernels[0].code.offset = len; // starts at the end of the section
    refused(&b, &["kernels[0] 'mul_f32'.code"], "outside the kernels section");
    let mut b = base();
    b.m.kernels[1].code.len = u64::MAX; // offset + len overflows
    refused(&b, &["kernels[1] 'add_f32'.code"], "outside the kernels section");
}

#[test]
fn spirv_kernel_whose_length_is_not_whole_words() {
    let mut b = base();
    b.m.kernels[0].code.len -= 1;
    refused(&b, &["kernels[0] 'mul_f32'.code"], "not a SPIR-V module");
    let mut b = base();
    b.m.kernels[0].code.len = 16; // shorter than the 5-word SPIR-V header
    refused(&b, &["kernels[0] 'mul_f32'.code"], "at least 20");
}

#[test]
fn big_endian_spirv_is_not_spirv_here() {
    let mut b = base();
    let at = b.m.kernels[0].code.offset as usize;
    for w in b.kernels[at..at + b.m.kernels[0].code.len as usize].chunks_exact_mut(4) {
        w.reverse(); // every word byte-swapped: magic reads 0x03022307
    }
    refused_by_session(&b, &["kernels[0] 'mul_f32'.code"], "big-endian");
}

#[test]
fn kernel_that_is_not_spirv_on_a_vulkan_bundle() {
    let mut b = base();
    b.m.kernels[1].language = KernelLanguage::Wgsl;
    refused_by_session(&b, &["kernels[1] 'add_f32'.language"], "must hold SPIR-V");
}

#[test]
fn kernel_entry_point_with_a_nul_byte() {
    let mut b = base();
    b.m.kernels[0].entry = "mul\0f32".into();
    refused_by_session(&b, &["kernels[0] 'mul_f32'.entry"], "NUL");
}

#[test]
fn kernel_workgroup_outside_device_limits() {
    let mut b = base();
    b.m.kernels[0].workgroup_size = [64, 32, 1]; // 2048 invocations > 1024
    refused(&b, &["kernels[0] 'mul_f32'.workgroup_size"], "2048 invocations");
    let mut b = base();
    b.m.kernels[0].workgroup_size = [64, 0, 1];
    refused(&b, &["kernels[0] 'mul_f32'.workgroup_size"], "zero dimension");
    let mut b = base();
    b.m.kernels[1].workgroup_size = [1, 1, 128];
    let small_z = DeviceLimits { max_workgroup_size: [1024, 1024, 64], ..limits() };
    refused_with(&b.build(), &small_z, &["kernels[1] 'add_f32'.workgroup_size[2]"], "exceeds the device limit 64");
}

#[test]
fn kernel_shared_memory_and_push_constants_above_device_limits() {
    let mut b = base();
    b.m.kernels[0].shared_memory_bytes = 65536;
    refused(&b, &["kernels[0] 'mul_f32'.shared_memory_bytes"], "exceeds the device limit 32768");
    let mut b = base();
    b.m.kernels[0].push_constant_bytes = 256;
    b.m.programs[0].dispatches[0].push_constants = vec![0; 256];
    refused(&b, &["kernels[0] 'mul_f32'.push_constant_bytes"], "exceeds the device limit 128");
}

#[test]
fn kernel_with_more_bindings_than_the_format_allows() {
    let mut b = base();
    b.m.kernels[0].bindings = vec![Access::Read; 65];
    refused(&b, &["kernels[0] 'mul_f32'.bindings"], "65 bindings exceeds 64");
}

// ---- dispatches ------------------------------------------------------------------------------

#[test]
fn dispatch_and_kernel_binding_counts_differ() {
    let mut b = base();
    b.m.programs[0].dispatches[1].bindings.pop();
    refused(&b, &["programs[0].dispatches[1]", ".bindings"], "2 bindings but kernel 'add_f32' declares 3");
    let mut b = base();
    let extra = b.m.programs[0].dispatches[0].bindings[0];
    b.m.programs[0].dispatches[0].bindings.push(extra);
    refused(&b, &["programs[0].dispatches[0]", ".bindings"], "4 bindings but kernel 'mul_f32' declares 3");
}

#[test]
fn dispatch_push_constants_differ_from_the_kernel() {
    let mut b = base();
    b.m.programs[0].dispatches[0].push_constants = vec![0; 8]; // kernel declares 4
    refused(&b, &["programs[0].dispatches[0]", ".push_constants"], "8 bytes but kernel 'mul_f32' declares 4");
    let mut b = base();
    b.m.programs[0].dispatches[1].push_constants.clear();
    refused(&b, &["programs[0].dispatches[1]", ".push_constants"], "0 bytes but kernel 'add_f32' declares 4");
}

#[test]
fn dispatch_of_a_kernel_that_does_not_exist() {
    let mut b = base();
    b.m.programs[0].dispatches[1].kernel = 2;
    refused(&b, &["programs[0].dispatches[1]", ".kernel"], "kernel index 2 out of range");
}

#[test]
fn binding_in_a_pool_that_does_not_exist_or_overflowing() {
    let mut b = base();
    b.m.programs[0].dispatches[0].bindings[1].pool = 7;
    refused(&b, &["programs[0].dispatches[0]", ".bindings[1].pool"], "pool index 7 out of range");
    let mut b = base();
    b.m.programs[0].dispatches[0].bindings[1].offset = u64::MAX - 16; // offset + size overflows
    refused(&b, &["programs[0].dispatches[0]", ".bindings[1]"], "outside pool 'activations'");
    let mut b = base();
    b.m.programs[0].dispatches[0].bindings[1].size = 0;
    refused(&b, &["programs[0].dispatches[0]", ".bindings[1]"], "zero bytes");
}

#[test]
fn binding_offset_misaligned_for_the_device() {
    let mut b = base();
    b.m.programs[0].dispatches[0].bindings[1].offset = 260; // x lives at 256; alignment 16
    refused(&b, &["programs[0].dispatches[0] 't = a * x'.bindings[1]"], "not a multiple of the device's alignment 16");
}

#[test]
fn binding_larger_than_the_device_binding_range() {
    // A 200 MiB binding inside a (declared, never allocated) 256 MiB pool: lavapipe binds at
    // most 128 MiB.
    let mut b = base();
    b.m.pools[1].size = 256 << 20;
    b.m.programs[0].dispatches[1].bindings[2].size = 200 << 20;
    refused(&b, &["programs[0].dispatches[1] 'y = t + b'.bindings[2]"], "storage-binding limit");
}

#[test]
fn writable_binding_on_the_weights_pool() {
    // The kernel is unchanged (binding 2 is read_write); the dispatch points it at weights.
    let mut b = base();
    b.m.programs[0].dispatches[0].bindings[2] = BufferRange { pool: 0, offset: 0, size: 4000 };
    refused(&b, &["programs[0].dispatches[0]", ".bindings[2]"], "would write the weights pool");
}

#[test]
fn grid_past_device_limits_on_other_axes_and_zero_grids() {
    let mut b = base();
    b.m.programs[0].dispatches[0].grid = [16, 1, 65536];
    refused(&b, &["programs[0].dispatches[0]", ".grid[2]"], "exceeds the device limit 65535");
    let mut b = base();
    b.m.programs[0].dispatches[1].grid = [16, 0, 1];
    refused(&b, &["programs[0].dispatches[1]", ".grid"], "zero dimension");
}

// ---- requirements ------------------------------------------------------------------------------

#[test]
fn requirements_the_device_lacks() {
    let mut b = base();
    b.m.requirements.fp16 = true;
    let no_fp16 = DeviceLimits { fp16: false, ..limits() };
    refused_with(&b.build(), &no_fp16, &["requirements.fp16"], "fp16");
    let mut b = base();
    b.m.requirements.cooperative_matrix = true;
    refused(&b, &["requirements.cooperative_matrix"], "cooperative matrices");
    // lavapipe has no VK_KHR_cooperative_matrix: the session refuses before any pipeline.
    refused_by_session(&b, &["requirements.cooperative_matrix"], "cooperative matrices");
    let mut b = base();
    b.m.requirements.subgroup_size = 32; // lavapipe's subgroups are 8 wide
    refused(&b, &["requirements.subgroup_size"], "subgroups of 32");
    let mut b = base();
    b.m.requirements.subgroup_arithmetic = true;
    let no_sums = DeviceLimits { subgroup_arithmetic: false, ..limits() };
    refused_with(&b.build(), &no_sums, &["requirements.subgroup_arithmetic"], "sum, shuffle or vote across subgroups");
}

// ---- image pools (texture storage) ------------------------------------------------------------

/// A device with PoCL's 2D-image limits (clinfo: 16384 x 16384).
fn image_limits() -> DeviceLimits {
    DeviceLimits { max_image2d: [16384, 16384], ..limits() }
}

/// `base()` with `t` (4000 bytes) moved into an image pool of 64 x 16 f32 texels.
fn with_image() -> Builder {
    let mut b = base();
    let geometry = ImageGeometry { kind: StorageKind::Texture2d, width: 64, height: 16, elem: ElemType::F32 };
    b.m.pools.push(Pool { name: "texture0".into(), role: PoolRole::Activations, size: 4096, image: Some(geometry) });
    let image = BufferRange { pool: 2, offset: 0, size: 4096 };
    b.m.programs[0].dispatches[0].bindings[2] = image;
    b.m.programs[0].dispatches[1].bindings[0] = image;
    b
}

#[test]
fn image_pool_is_accepted_where_the_device_has_images() {
    bundle::open(&with_image().build(), Some(&image_limits())).expect("a valid image pool");
}

#[test]
fn image_pool_geometry_and_use_are_checked() {
    let check = |edit: &dyn Fn(&mut Builder), field: &[&str], message: &str| {
        let mut b = with_image();
        edit(&mut b);
        refused_with(&b.build(), &image_limits(), field, message);
    };
    fn img(b: &mut Builder) -> &mut ImageGeometry {
        b.m.pools[2].image.as_mut().expect("image")
    }
    check(&|b| img(b).width = 0, &["pools[2] 'texture0'.image"], "zero dimension");
    check(&|b| img(b).height = 17, &["pools[2] 'texture0'.size"], "64x17 image");
    check(&|b| img(b).kind = StorageKind::Texture2dArray, &["pools[2] 'texture0'.image.kind"], "Texture2dArray");
    check(&|b| img(b).elem = ElemType::I32, &["pools[2] 'texture0'.image.elem"], "I32");
    check(&|b| b.m.pools[2].role = PoolRole::Weights, &["pools[2] 'texture0'.role"], "activations");
    check(&|b| b.m.programs[0].dispatches[1].bindings[0].size = 2048, &["programs[0].dispatches[1]", ".bindings[0]"], "bound whole");
    check(&|b| b.m.programs[0].dispatches[1].bindings[0].offset = 64, &["programs[0].dispatches[1]", ".bindings[0]"], "outside pool");
    check(&|b| b.m.tensors[2].storage.pool = 2, &["tensors[2]", ".storage.pool"], "is an image");
    // Larger than the device's 2D images (u32 dimensions, so the size cannot overflow).
    check(
        &|b| {
            let i = img(b);
            (i.width, i.height) = (16385, 1);
            b.m.pools[2].size = 16385 * 4;
            for d in &mut b.m.programs[0].dispatches {
                for r in &mut d.bindings {
                    if r.pool == 2 {
                        r.size = 16385 * 4;
                    }
                }
            }
        },
        &["pools[2] 'texture0'.image.width"],
        "2D image width 16384",
    );
}

#[test]
fn image_pool_on_a_backend_without_images_is_refused() {
    // limits(): the Vulkan backend's, which binds no images.
    refused(&with_image(), &["pools[2] 'texture0'.image"], "--storage buffer");
    refused_by_session(&with_image(), &["pools[2] 'texture0'.image"], "cannot bind");
}

// ---- header (re-sealed with a valid hash) -------------------------------------------------------

const HASH_AT: usize = HEADER_LEN - 32;

/// Recomputes the BLAKE3 seal over every byte but the hash field, as `bundle::write` does.
fn reseal(bytes: &mut [u8]) {
    let mut h = blake3::Hasher::new();
    h.update(&bytes[..HASH_AT]);
    h.update(&bytes[HEADER_LEN..]);
    let hash = *h.finalize().as_bytes();
    bytes[HASH_AT..HEADER_LEN].copy_from_slice(&hash);
}

fn set_u64(bytes: &mut [u8], at: usize, v: u64) {
    bytes[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

fn header_field(edit: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut bytes = base().build();
    assert!(bundle::open(&bytes, Some(&limits())).is_ok());
    edit(&mut bytes);
    reseal(&mut bytes);
    bytes
}

#[test]
fn sections_outside_the_file_body() {
    let l = limits();
    // manifest offset inside the header
    refused_with(&header_field(|b| set_u64(b, 16, 0)), &l, &["header.manifest"], "outside the file body");
    // kernels section: offset + len overflows
    refused_with(&header_field(|b| set_u64(b, 40, u64::MAX)), &l, &["header.kernels"], "overflows");
    // weights section one byte past the end of the file
    refused_with(
        &header_field(|b| {
            let len = u64::from_le_bytes(b[56..64].try_into().unwrap());
            set_u64(b, 56, len + 1);
        }),
        &l,
        &["header.weights"],
        "outside the file body",
    );
}

#[test]
fn manifest_section_with_trailing_bytes() {
    let bytes = header_field(|b| {
        let len = u64::from_le_bytes(b[24..32].try_into().unwrap());
        set_u64(b, 24, len + 1); // swallows the first byte of the kernels section
    });
    refused_with(&bytes, &limits(), &["manifest"], "1 trailing bytes");
}

#[test]
fn newer_format_version_with_a_valid_hash() {
    let newer = bundle::FORMAT_VERSION + 1;
    let bytes = header_field(|b| b[8..12].copy_from_slice(&newer.to_le_bytes()));
    let e = bundle::open(&bytes, Some(&limits())).err().expect("refused");
    assert!(matches!(e, BundleError::Version { found } if found == newer), "{e}");
}
