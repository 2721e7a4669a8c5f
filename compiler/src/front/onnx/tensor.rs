//! ONNX `TensorProto` → [`Value`], for every encoding: `raw_data`, the typed fields
//! (`float_data`, `int32_data`, `int64_data`, `double_data`), and external data files.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Component, Path};

use onnx_protobuf::TensorProto;

use super::Error;
use crate::ir::{numel, DType, Data, Value};

/// Most elements one tensor may declare (4 Gi elements): larger is refused before any
/// allocation, so a small file cannot ask for terabytes.
pub const MAX_ELEMENTS: usize = 1 << 32;

/// ONNX `TensorProto.DataType` codes → our dtype and the element size in raw_data.
pub fn dtype_of(code: i32) -> Option<(DType, usize)> {
    Some(match code {
        1 => (DType::F32, 4),
        2 => (DType::U8, 1),
        3 => (DType::I8, 1),
        6 => (DType::I32, 4),
        7 => (DType::I64, 8),
        9 => (DType::Bool, 1),
        10 => (DType::F16, 2),
        11 => (DType::F32, 8), // double: held as f32
        16 => (DType::F32, 2), // bfloat16: held as f32
        _ => return None,
    })
}

pub fn dtype_name(code: i32) -> &'static str {
    match code {
        0 => "UNDEFINED",
        1 => "FLOAT",
        2 => "UINT8",
        3 => "INT8",
        4 => "UINT16",
        5 => "INT16",
        6 => "INT32",
        7 => "INT64",
        8 => "STRING",
        9 => "BOOL",
        10 => "FLOAT16",
        11 => "DOUBLE",
        12 => "UINT32",
        13 => "UINT64",
        14 => "COMPLEX64",
        15 => "COMPLEX128",
        16 => "BFLOAT16",
        _ => "unknown",
    }
}

/// Shape from ONNX dims, refusing negative dims and element-count overflow.
pub fn shape_of(dims: &[i64], what: &str) -> Result<Vec<usize>, Error> {
    let mut shape = Vec::with_capacity(dims.len());
    for &d in dims {
        let d = usize::try_from(d).map_err(|_| Error::Tensor { tensor: what.into(), message: format!("negative dimension {d} in {dims:?}") })?;
        shape.push(d);
    }
    match numel(&shape) {
        Some(n) if n <= MAX_ELEMENTS => Ok(shape),
        _ => Err(Error::Tensor { tensor: what.into(), message: format!("shape {dims:?} has more than {MAX_ELEMENTS} elements") }),
    }
}

fn decode_raw(raw: &[u8], code: i32, dtype: DType, n: usize) -> Data {
    let chunks = |w: usize| raw.chunks_exact(w).take(n);
    match (code, dtype) {
        (1, _) => Data::F32(chunks(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()),
        (10, _) => Data::F32(chunks(2).map(|c| half::f16::from_le_bytes([c[0], c[1]]).to_f32()).collect()),
        (16, _) => Data::F32(chunks(2).map(|c| half::bf16::from_le_bytes([c[0], c[1]]).to_f32()).collect()),
        (11, _) => Data::F32(chunks(8).map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]) as f32).collect()),
        (7, _) => Data::I64(chunks(8).map(|c| i64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]])).collect()),
        (6, _) => Data::I64(chunks(4).map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]) as i64).collect()),
        (3, _) => Data::I64(raw.iter().take(n).map(|&b| b as i8 as i64).collect()),
        (9, _) => Data::Bool(raw.iter().take(n).map(|&b| b != 0).collect()),
        _ => Data::I64(raw.iter().take(n).map(|&b| b as i64).collect()),
    }
}

/// Reads an external-data tensor's bytes, refusing paths that leave the model's directory.
fn read_external(t: &TensorProto, model_dir: &Path, want: usize) -> Result<Vec<u8>, Error> {
    let mut location = None;
    let mut offset: u64 = 0;
    let mut length: Option<u64> = None;
    let bad = |message: String| Error::Tensor { tensor: t.name.clone(), message };
    for kv in &t.external_data {
        match kv.key.as_str() {
            "location" => location = Some(kv.value.clone()),
            "offset" => offset = kv.value.parse().map_err(|_| bad(format!("external data offset '{}' is not a number", kv.value)))?,
            "length" => length = Some(kv.value.parse().map_err(|_| bad(format!("external data length '{}' is not a number", kv.value)))?),
            _ => {}
        }
    }
    let location = location.ok_or_else(|| bad("external data without a 'location'".into()))?;
    let rel = Path::new(&location);
    if rel.components().any(|c| !matches!(c, Component::Normal(_) | Component::CurDir)) {
        return Err(bad(format!("external data location '{location}' must be a relative path inside the model's directory")));
    }
    let path = model_dir.join(rel);
    let len = length.unwrap_or(want as u64);
    if len != want as u64 {
        return Err(bad(format!("external data length {len} differs from the {want} bytes its shape needs")));
    }
    let mut file = std::fs::File::open(&path).map_err(|e| Error::ExternalData { tensor: t.name.clone(), file: path.display().to_string(), message: e.to_string() })?;
    let file_len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if offset.checked_add(len).map_or(true, |end| end > file_len) {
        return Err(Error::ExternalData {
            tensor: t.name.clone(),
            file: path.display().to_string(),
            message: format!("range {offset}+{len} is past the end of the {file_len}-byte file"),
        });
    }
    let mut buf = vec![0u8; want];
    file.seek(SeekFrom::Start(offset))
        .and_then(|_| file.read_exact(&mut buf))
        .map_err(|e| Error::ExternalData { tensor: t.name.clone(), file: path.display().to_string(), message: e.to_string() })?;
    Ok(buf)
}

/// True when the tensor's bytes live in an external file.
pub fn is_external(t: &TensorProto) -> bool {
    t.data_location.value() == 1
}

/// Decodes a tensor; `model_dir` resolves external data.
pub fn to_value(t: &TensorProto, model_dir: &Path) -> Result<Value, Error> {
    let (dtype, width) = dtype_of(t.data_type).ok_or_else(|| Error::Tensor {
        tensor: t.name.clone(),
        message: format!("element type {} ({}) is not supported", dtype_name(t.data_type), t.data_type),
    })?;
    let shape = shape_of(&t.dims, &t.name)?;
    let n = numel(&shape).unwrap_or(0);
    let bad = |message: String| Error::Tensor { tensor: t.name.clone(), message };
    let data = if is_external(t) {
        let raw = read_external(t, model_dir, n * width)?;
        decode_raw(&raw, t.data_type, dtype, n)
    } else if !t.raw_data.is_empty() || n == 0 {
        if t.raw_data.len() != n * width {
            return Err(bad(format!("raw_data has {} bytes, shape {:?} of {} needs {}", t.raw_data.len(), shape, dtype_name(t.data_type), n * width)));
        }
        decode_raw(&t.raw_data, t.data_type, dtype, n)
    } else {
        let (have, data) = match t.data_type {
            1 => (t.float_data.len(), Data::F32(t.float_data.clone())),
            11 => (t.double_data.len(), Data::F32(t.double_data.iter().map(|&d| d as f32).collect())),
            7 => (t.int64_data.len(), Data::I64(t.int64_data.clone())),
            10 => (t.int32_data.len(), Data::F32(t.int32_data.iter().map(|&b| half::f16::from_bits(b as u16).to_f32()).collect())),
            16 => (t.int32_data.len(), Data::F32(t.int32_data.iter().map(|&b| half::bf16::from_bits(b as u16).to_f32()).collect())),
            9 => (t.int32_data.len(), Data::Bool(t.int32_data.iter().map(|&b| b != 0).collect())),
            _ => (t.int32_data.len(), Data::I64(t.int32_data.iter().map(|&b| b as i64).collect())),
        };
        if have != n {
            return Err(bad(format!("{have} typed elements, shape {shape:?} needs {n}")));
        }
        data
    };
    Ok(Value { dtype, shape, data })
}
