//! The sealed bundle format: the single source of truth shared by the compiler (writer)
//! and this runtime (reader/verifier).
//!
//! Layout of a bundle file (all integers little-endian):
//!
//! ```text
//! offset 0   header (HEADER_LEN bytes)
//!              magic "DRIFTBND" | format version u32 | reserved u32
//!              manifest (offset u64, len u64) | kernels (offset u64, len u64)
//!              weights (offset u64, len u64) | BLAKE3 of every byte of the file
//!              except the hash field itself (32 bytes)
//! then       manifest: bincode 2 (standard config) of [`Manifest`]
//! then       kernels section: kernel code blobs (SPIR-V words, MSL/WGSL/OpenCL C text)
//! then       weights section, 256-byte aligned, already in the physical layout kernels read
//! ```
//!
//! Invariants the verifier ([`verify`]) establishes before any GPU call: the hash matches,
//! sections lie inside the file and do not overlap the header, every index in the
//! manifest points at an existing entry, every byte range (kernel code, weight upload,
//! tensor, binding) lies inside its section or pool, and every grid and workgroup is
//! within the device limits the bundle declares.

mod header;
mod manifest;
mod verify;

pub use header::{Header, FORMAT_VERSION, HEADER_LEN, MAGIC, WEIGHTS_ALIGN};
pub use manifest::*;
pub use verify::{verify, DeviceLimits};

/// Why a bundle was refused. Every variant names the field it is about.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("bundle is {len} bytes, shorter than its {HEADER_LEN}-byte header")]
    TooShort { len: usize },
    #[error("bundle has bad magic {found:?} (expected \"DRIFTBND\"): not a driftc bundle")]
    BadMagic { found: [u8; 8] },
    #[error("bundle format version {found} is not supported by this runtime (supports {FORMAT_VERSION}); recompile with a matching driftc")]
    Version { found: u32 },
    #[error("bundle hash mismatch: the file is corrupt or was modified after compilation")]
    HashMismatch,
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("manifest could not be decoded: {0}")]
    Manifest(String),
    #[error("manifest could not be encoded: {0}")]
    Encode(String),
}

impl BundleError {
    pub(crate) fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        BundleError::Invalid { field: field.into(), message: message.into() }
    }
}

/// A bundle's parts, borrowed from its bytes after the header and hash were checked.
#[derive(Debug)]
pub struct BundleView<'a> {
    pub header: Header,
    pub manifest: Manifest,
    pub kernels: &'a [u8],
    pub weights: &'a [u8],
}

/// Limits on what a manifest may declare, checked before anything is allocated, so a
/// tiny file cannot ask for terabytes or millions of objects.
pub const MAX_MANIFEST_BYTES: u64 = 256 << 20;

/// Writes a whole bundle: header, manifest, kernel code and weights, hashed.
/// `kernels` and `weights` are the section contents the manifest's offsets refer to.
pub fn write(manifest: &Manifest, kernels: &[u8], weights: &[u8]) -> Result<Vec<u8>, BundleError> {
    write_owned(manifest, kernels, weights.to_vec())
}

/// As `write`, the bundle built in the weights' own allocation (grown in front of them and
/// the weights moved up): a large model's weights are not held twice.
pub fn write_owned(manifest: &Manifest, kernels: &[u8], weights: Vec<u8>) -> Result<Vec<u8>, BundleError> {
    let manifest_bytes = bincode::encode_to_vec(manifest, bincode::config::standard())
        .map_err(|e| BundleError::Encode(e.to_string()))?;
    let manifest_off = HEADER_LEN as u64;
    let kernels_off = manifest_off + manifest_bytes.len() as u64;
    let weights_off = align_up(kernels_off + kernels.len() as u64, WEIGHTS_ALIGN);
    let weights_len = weights.len();
    let mut out = weights;
    out.reserve_exact(weights_off as usize);
    out.resize(weights_off as usize + weights_len, 0);
    out.copy_within(0..weights_len, weights_off as usize);
    out[..weights_off as usize].fill(0);
    let header = Header {
        version: FORMAT_VERSION,
        manifest: (manifest_off, manifest_bytes.len() as u64),
        kernels: (kernels_off, kernels.len() as u64),
        weights: (weights_off, weights_len as u64),
        hash: [0; 32],
    };
    out[manifest_off as usize..kernels_off as usize].copy_from_slice(&manifest_bytes);
    out[kernels_off as usize..kernels_off as usize + kernels.len()].copy_from_slice(kernels);
    header.write_into(&mut out);
    let hash = header::hash_of(&out);
    header::store_hash(&mut out, &hash);
    Ok(out)
}

/// Parses and fully checks a bundle held in memory. Nothing is trusted before this
/// returns `Ok`.
pub fn open<'a>(bytes: &'a [u8], limits: Option<&DeviceLimits>) -> Result<BundleView<'a>, BundleError> {
    let header = Header::parse(bytes)?;
    let section = |name: &str, (off, len): (u64, u64)| -> Result<&[u8], BundleError> {
        let end = off.checked_add(len).ok_or_else(|| BundleError::invalid(format!("header.{name}"), "offset + length overflows"))?;
        if off < HEADER_LEN as u64 || end > bytes.len() as u64 {
            return Err(BundleError::invalid(
                format!("header.{name}"),
                format!("section {off}..{end} lies outside the file body {HEADER_LEN}..{}", bytes.len()),
            ));
        }
        Ok(&bytes[off as usize..end as usize])
    };
    let manifest_bytes = section("manifest", header.manifest)?;
    if manifest_bytes.len() as u64 > MAX_MANIFEST_BYTES {
        return Err(BundleError::invalid("header.manifest", format!("{} bytes exceeds the {MAX_MANIFEST_BYTES}-byte limit", manifest_bytes.len())));
    }
    let kernels = section("kernels", header.kernels)?;
    let weights = section("weights", header.weights)?;
    let config = bincode::config::standard().with_limit::<{ 256 << 20 }>();
    let (manifest, used): (Manifest, usize) =
        bincode::decode_from_slice(manifest_bytes, config).map_err(|e| BundleError::Manifest(e.to_string()))?;
    if used != manifest_bytes.len() {
        return Err(BundleError::invalid("manifest", format!("{} trailing bytes after the manifest", manifest_bytes.len() - used)));
    }
    verify(&manifest, kernels.len() as u64, weights.len() as u64, limits)?;
    Ok(BundleView { header, manifest, kernels, weights })
}

/// Rounds `v` up to a multiple of `align` (a power of two).
pub fn align_up(v: u64, align: u64) -> u64 {
    debug_assert!(align.is_power_of_two());
    (v + align - 1) & !(align - 1)
}
