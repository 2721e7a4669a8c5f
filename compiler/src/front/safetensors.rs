//! safetensors reader: an 8-byte little-endian header length, a JSON header mapping
//! tensor names to dtype, shape and byte range, then the data. Every length, range and
//! element count is checked before anything is read or allocated; sharded checkpoints
//! (`model.safetensors.index.json`) are followed.

use std::collections::BTreeMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::ir::{numel, DType, Data, Value};

/// Largest JSON header accepted (the format's own reference implementation uses 100 MB).
pub const MAX_HEADER_BYTES: u64 = 100 << 20;
/// Largest `model.safetensors.index.json` read.
pub const MAX_INDEX_BYTES: u64 = 64 << 20;
/// Most dimensions one tensor may declare.
pub const MAX_RANK: usize = 8;
/// Most shard files one index may name.
pub const MAX_SHARDS: usize = 4096;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{file}: {message}")]
    File { file: String, message: String },
    #[error("{file}: tensor '{tensor}': {message}")]
    Tensor { file: String, tensor: String, message: String },
    #[error("{dir}: no tensor named '{tensor}' in the checkpoint")]
    Missing { dir: String, tensor: String },
    #[error("{dir}: tensor '{tensor}' is in both {first} and {second}")]
    Duplicate { dir: String, tensor: String, first: String, second: String },
}

#[derive(Debug, Clone)]
struct Entry {
    file: PathBuf,
    dtype: String,
    shape: Vec<usize>,
    /// Absolute byte range in the file.
    start: u64,
    end: u64,
}

/// The tensors of one checkpoint (one file or shards), read on demand.
#[derive(Debug, Default)]
pub struct Checkpoint {
    dir: PathBuf,
    entries: BTreeMap<String, Entry>,
}

fn file_err(file: &Path, message: impl Into<String>) -> Error {
    Error::File { file: file.display().to_string(), message: message.into() }
}

fn read_header(path: &Path, entries: &mut BTreeMap<String, Entry>) -> Result<(), Error> {
    let mut f = std::fs::File::open(path).map_err(|e| file_err(path, e.to_string()))?;
    let file_len = f.metadata().map_err(|e| file_err(path, e.to_string()))?.len();
    let mut len = [0u8; 8];
    f.read_exact(&mut len).map_err(|_| file_err(path, "shorter than the 8-byte header length"))?;
    let hlen = u64::from_le_bytes(len);
    if hlen > MAX_HEADER_BYTES || 8 + hlen > file_len {
        return Err(file_err(path, format!("header length {hlen} is larger than the file or the {MAX_HEADER_BYTES}-byte limit")));
    }
    let mut header = vec![0u8; hlen as usize];
    f.read_exact(&mut header).map_err(|e| file_err(path, e.to_string()))?;
    let json: serde_json::Value = serde_json::from_slice(&header).map_err(|e| file_err(path, format!("header is not JSON: {e}")))?;
    let map = json.as_object().ok_or_else(|| file_err(path, "header is not a JSON object"))?;
    let data_start = 8 + hlen;
    for (name, info) in map {
        if name == "__metadata__" {
            continue;
        }
        let bad = |m: String| Error::Tensor { file: path.display().to_string(), tensor: name.clone(), message: m };
        let dtype = info.get("dtype").and_then(|d| d.as_str()).ok_or_else(|| bad("no dtype".into()))?.to_string();
        let dims = info.get("shape").and_then(|s| s.as_array()).ok_or_else(|| bad("no shape".into()))?;
        if dims.len() > MAX_RANK {
            return Err(bad(format!("{} dimensions (at most {MAX_RANK})", dims.len())));
        }
        let shape: Vec<usize> = dims
            .iter()
            .map(|d| d.as_u64().and_then(|d| usize::try_from(d).ok()).ok_or_else(|| bad(format!("bad dimension {d}"))))
            .collect::<Result<_, _>>()?;
        let offs = info.get("data_offsets").and_then(|o| o.as_array()).ok_or_else(|| bad("no data_offsets".into()))?;
        let two = |o: &[serde_json::Value]| match o {
            [a, b] => Some((a.as_u64()?, b.as_u64()?)),
            _ => None,
        };
        let (a, b) = two(offs).ok_or_else(|| bad("data_offsets must be two non-negative integers".into()))?;
        let width = elem_width(&dtype).ok_or_else(|| bad(format!("dtype {dtype} is not supported (F32, F16, BF16, I64, I32)")))?;
        let n = numel(&shape).filter(|&n| n <= crate::front::onnx::tensor::MAX_ELEMENTS).ok_or_else(|| bad(format!("shape {shape:?} is too large")))?;
        let (start, end) = (data_start.checked_add(a), data_start.checked_add(b));
        match (start, end) {
            (Some(s), Some(e)) if s <= e && e <= file_len && Some(e - s) == (n as u64).checked_mul(width as u64) => {
                let entry = Entry { file: path.to_path_buf(), dtype, shape, start: s, end: e };
                if let Some(first) = entries.insert(name.clone(), entry) {
                    let dir = path.parent().unwrap_or(Path::new(".")).display().to_string();
                    return Err(Error::Duplicate { dir, tensor: name.clone(), first: first.file.display().to_string(), second: path.display().to_string() });
                }
            }
            _ => return Err(bad(format!("byte range {a}..{b} does not match shape {shape:?} of {dtype} within the {file_len}-byte file"))),
        }
    }
    Ok(())
}

/// Reads a small text file (an index or a config), refusing one larger than `limit` bytes.
pub fn read_limited(path: &Path, limit: u64) -> Result<String, Error> {
    let f = std::fs::File::open(path).map_err(|e| file_err(path, e.to_string()))?;
    let mut text = String::new();
    f.take(limit + 1).read_to_string(&mut text).map_err(|e| file_err(path, e.to_string()))?;
    if text.len() as u64 > limit {
        return Err(file_err(path, format!("larger than the {limit}-byte limit")));
    }
    Ok(text)
}

fn elem_width(dtype: &str) -> Option<usize> {
    Some(match dtype {
        "F32" | "I32" => 4,
        "F16" | "BF16" => 2,
        "I64" => 8,
        _ => return None,
    })
}

impl Checkpoint {
    /// Opens `dir/model.safetensors`, or the shards listed by `model.safetensors.index.json`.
    pub fn open(dir: &Path) -> Result<Self, Error> {
        let mut entries = BTreeMap::new();
        let index = dir.join("model.safetensors.index.json");
        if index.is_file() {
            let text = read_limited(&index, MAX_INDEX_BYTES)?;
            let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| file_err(&index, format!("not JSON: {e}")))?;
            let map = json.get("weight_map").and_then(|m| m.as_object()).ok_or_else(|| file_err(&index, "no weight_map object"))?;
            let mut shards = Vec::new();
            for (tensor, shard) in map {
                let shard = shard.as_str().ok_or_else(|| file_err(&index, format!("weight_map['{tensor}'] is not a file name")))?;
                let mut parts = Path::new(shard).components();
                if !matches!((parts.next(), parts.next()), (Some(std::path::Component::Normal(_)), None)) {
                    return Err(file_err(&index, format!("weight_map['{tensor}']: shard '{shard}' must be a file name in the checkpoint directory")));
                }
                shards.push(shard);
            }
            shards.sort_unstable();
            shards.dedup();
            if shards.len() > MAX_SHARDS {
                return Err(file_err(&index, format!("{} shards (at most {MAX_SHARDS})", shards.len())));
            }
            for shard in shards {
                read_header(&dir.join(shard), &mut entries)?;
            }
        } else {
            read_header(&dir.join("model.safetensors"), &mut entries)?;
        }
        Ok(Checkpoint { dir: dir.to_path_buf(), entries })
    }

    pub fn contains(&self, name: &str) -> bool {
        self.entries.contains_key(name)
    }

    /// Every tensor name, sorted.
    pub fn names(&self) -> Vec<String> {
        self.entries.keys().cloned().collect()
    }

    pub fn shape(&self, name: &str) -> Option<&[usize]> {
        self.entries.get(name).map(|e| e.shape.as_slice())
    }

    /// Reads one tensor (f16 as f16, other floats as f32, integers as i64; the value's
    /// dtype F32 or I64).
    pub fn read(&self, name: &str) -> Result<Value, Error> {
        let e = self.entries.get(name).ok_or_else(|| Error::Missing { dir: self.dir.display().to_string(), tensor: name.into() })?;
        let mut f = std::fs::File::open(&e.file).map_err(|err| file_err(&e.file, err.to_string()))?;
        let mut raw = vec![0u8; (e.end - e.start) as usize];
        f.seek(SeekFrom::Start(e.start)).and_then(|_| f.read_exact(&mut raw)).map_err(|err| file_err(&e.file, err.to_string()))?;
        let data = match e.dtype.as_str() {
            "F32" => Data::F32(raw.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()),
            "F16" => Data::F16(raw.chunks_exact(2).map(|c| half::f16::from_le_bytes([c[0], c[1]])).collect()),
            "BF16" => Data::F32(raw.chunks_exact(2).map(|c| half::bf16::from_le_bytes([c[0], c[1]]).to_f32()).collect()),
            "I32" => Data::I64(raw.chunks_exact(4).map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]) as i64).collect()),
            "I64" => Data::I64(raw.chunks_exact(8).map(|c| i64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]])).collect()),
            other => return Err(Error::Tensor { file: e.file.display().to_string(), tensor: name.into(), message: format!("dtype {other} is not supported") }),
        };
        let dtype = if matches!(data, Data::F32(_) | Data::F16(_)) { DType::F32 } else { DType::I64 };
        Ok(Value { dtype, shape: e.shape.clone(), data })
    }
}
