//! The fixed-size bundle header: magic, version, section table and the BLAKE3 seal.

use super::BundleError;

pub const MAGIC: [u8; 8] = *b"DRIFTBND";
/// Bumped whenever the header or manifest encoding changes incompatibly.
/// v2: pools may be images (`Pool::image`, texture storage).
/// v3: `Requirements::cooperative_matrix`.
/// v4: `LlmSpec::prefill_last*` (the manifest is positional: fields shift).
/// v5: `LlmSpec::decode_next_id` (the greedy token computed by the decode program).
/// v6: `Requirements::subgroup_arithmetic`.
/// v7: LLM prefill programs read `last_row` (the "prefill" program too): the rows past it
/// are padding their kernels skip, so a runtime must set it before either program.
/// v8: `Kernel::co_resident` (workgroups that wait on one another).
/// v9: a co-resident kernel walks its work by the count launched, so a runtime launches
/// at most what the device holds at once (a v8 one assumed its recorded grid).
/// v10: `Dispatch::side_after` (dispatches that may run on a second queue).
pub const FORMAT_VERSION: u32 = 10;
/// Bytes in the header; sections start at or after this offset.
pub const HEADER_LEN: usize = 8 + 4 + 4 + 6 * 8 + 32;
/// Alignment of the weights section and of every weight inside it.
pub const WEIGHTS_ALIGN: u64 = 256;
const HASH_AT: usize = HEADER_LEN - 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub version: u32,
    /// (offset, length) of each section, in bytes from the start of the file.
    pub manifest: (u64, u64),
    pub kernels: (u64, u64),
    pub weights: (u64, u64),
    pub hash: [u8; 32],
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    let mut w = [0u8; 4];
    w.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(w)
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(w)
}

/// BLAKE3 over the whole file with the hash field skipped.
pub(super) fn hash_of(bytes: &[u8]) -> [u8; 32] {
    let mut h = blake3::Hasher::new();
    h.update(&bytes[..HASH_AT]);
    h.update(&bytes[HEADER_LEN..]);
    *h.finalize().as_bytes()
}

pub(super) fn store_hash(bytes: &mut [u8], hash: &[u8; 32]) {
    bytes[HASH_AT..HEADER_LEN].copy_from_slice(hash);
}

impl Header {
    /// Reads and checks magic, version and hash. Section bounds are checked by the caller.
    pub fn parse(bytes: &[u8]) -> Result<Self, BundleError> {
        if bytes.len() < HEADER_LEN {
            return Err(BundleError::TooShort { len: bytes.len() });
        }
        let mut magic = [0u8; 8];
        magic.copy_from_slice(&bytes[..8]);
        if magic != MAGIC {
            return Err(BundleError::BadMagic { found: magic });
        }
        let version = u32_at(bytes, 8);
        if version != FORMAT_VERSION {
            return Err(BundleError::Version { found: version });
        }
        let mut hash = [0u8; 32];
        hash.copy_from_slice(&bytes[HASH_AT..HEADER_LEN]);
        if hash_of(bytes) != hash {
            return Err(BundleError::HashMismatch);
        }
        Ok(Header {
            version,
            manifest: (u64_at(bytes, 16), u64_at(bytes, 24)),
            kernels: (u64_at(bytes, 32), u64_at(bytes, 40)),
            weights: (u64_at(bytes, 48), u64_at(bytes, 56)),
            hash,
        })
    }

    pub(super) fn write_into(&self, out: &mut [u8]) {
        out[..8].copy_from_slice(&MAGIC);
        out[8..12].copy_from_slice(&self.version.to_le_bytes());
        out[12..16].copy_from_slice(&0u32.to_le_bytes());
        let fields = [self.manifest.0, self.manifest.1, self.kernels.0, self.kernels.1, self.weights.0, self.weights.1];
        for (i, v) in fields.iter().enumerate() {
            out[16 + 8 * i..24 + 8 * i].copy_from_slice(&v.to_le_bytes());
        }
    }
}
