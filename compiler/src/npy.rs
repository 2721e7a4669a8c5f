//! Minimal `.npy` (format 1.0/2.0) reading and writing for f32, f16, f64, i64, i32,
//! u8/i8 and bool arrays in C order, little-endian.

use std::path::Path;

use crate::ir::{DType, Data, Value};

#[derive(Debug, thiserror::Error)]
pub enum NpyError {
    #[error("{path}: {message}")]
    Bad { path: String, message: String },
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
}

fn field<'a>(header: &'a str, key: &str) -> Option<&'a str> {
    let at = header.find(&format!("'{key}'"))?;
    let rest = header.get(at + key.len() + 2..)?;
    let rest = rest.trim_start().strip_prefix(':')?.trim_start();
    Some(rest)
}

/// Parses `.npy` bytes into a value (floats as f32, integers as i64).
pub fn parse(bytes: &[u8], path: &str) -> Result<Value, NpyError> {
    let bad = |m: &str| NpyError::Bad { path: path.into(), message: m.into() };
    if bytes.len() < 10 || &bytes[..6] != b"\x93NUMPY" {
        return Err(bad("not an .npy file (bad magic)"));
    }
    let (hlen, start) = match bytes[6] {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        2 | 3 if bytes.len() >= 12 => (u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize, 12),
        _ => return Err(bad("unsupported .npy version")),
    };
    let header = bytes.get(start..start + hlen).ok_or_else(|| bad("truncated header"))?;
    let header = std::str::from_utf8(header).map_err(|_| bad("header is not text"))?;
    let descr = field(header, "descr").and_then(|s| s.split('\'').nth(1)).ok_or_else(|| bad("no descr"))?;
    if field(header, "fortran_order").is_some_and(|s| s.starts_with("True")) {
        return Err(bad("Fortran order is not supported"));
    }
    let shape_txt = field(header, "shape").and_then(|s| s.strip_prefix('(')).and_then(|s| s.split(')').next()).ok_or_else(|| bad("no shape"))?;
    let shape: Vec<usize> = shape_txt.split(',').map(str::trim).filter(|s| !s.is_empty()).map(|s| s.parse::<usize>().map_err(|_| bad("bad shape"))).collect::<Result<_, _>>()?;
    let n = crate::ir::numel(&shape).ok_or_else(|| bad("shape overflows"))?;
    let data = &bytes[start + hlen..];
    let (dtype, width) = match descr {
        "<f4" => (DType::F32, 4),
        "<f2" => (DType::F16, 2),
        "<f8" => (DType::F32, 8),
        "<i8" => (DType::I64, 8),
        "<i4" => (DType::I32, 4),
        "|u1" => (DType::U8, 1),
        "|i1" => (DType::I8, 1),
        "|b1" => (DType::Bool, 1),
        other => return Err(bad(&format!("element type '{other}' is not supported"))),
    };
    if data.len() < n.checked_mul(width).ok_or_else(|| bad("size overflows"))? {
        return Err(bad("data shorter than the shape says"));
    }
    let c = data.chunks_exact(width).take(n);
    let data = match descr {
        "<f4" => Data::F32(c.map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect()),
        "<f2" => Data::F32(c.map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f32()).collect()),
        "<f8" => Data::F32(c.map(|b| f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]) as f32).collect()),
        "<i8" => Data::I64(c.map(|b| i64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])).collect()),
        "<i4" => Data::I64(c.map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as i64).collect()),
        "|u1" => Data::I64(c.map(|b| b[0] as i64).collect()),
        "|i1" => Data::I64(c.map(|b| b[0] as i8 as i64).collect()),
        _ => Data::Bool(c.map(|b| b[0] != 0).collect()),
    };
    Ok(Value { dtype, shape, data })
}

pub fn read(path: &Path) -> Result<Value, NpyError> {
    let p = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| NpyError::Io { path: p.clone(), source })?;
    parse(&bytes, &p)
}

/// Encodes a value as `.npy` 1.0 bytes in its dtype.
pub fn encode(v: &Value) -> Vec<u8> {
    let (descr, body): (&str, Vec<u8>) = match v.dtype {
        DType::F16 => ("<f2", v.as_f32().iter().flat_map(|x| half::f16::from_f32(*x).to_le_bytes()).collect()),
        DType::F32 => ("<f4", v.as_f32().iter().flat_map(|x| x.to_le_bytes()).collect()),
        DType::I32 => ("<i4", v.as_i64().iter().flat_map(|&x| (x as i32).to_le_bytes()).collect()),
        DType::Bool => ("|b1", v.as_i64().iter().map(|&x| (x != 0) as u8).collect()),
        DType::U8 => ("|u1", v.as_i64().iter().map(|&x| x as u8).collect()),
        DType::I8 => ("|i1", v.as_i64().iter().map(|&x| x as i8 as u8).collect()),
        DType::I64 => ("<i8", v.as_i64().iter().flat_map(|x| x.to_le_bytes()).collect()),
    };
    let shape = match v.shape.len() {
        1 => format!("({},)", v.shape[0]),
        _ => format!("({})", v.shape.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", ")),
    };
    let mut header = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
    // Format 1.0 stores the header length in 16 bits; longer headers need format 2.0.
    let v2 = header.len() + 12 > usize::from(u16::MAX);
    let prefix = if v2 { 12 } else { 10 };
    while (prefix + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut out = if v2 { b"\x93NUMPY\x02\x00".to_vec() } else { b"\x93NUMPY\x01\x00".to_vec() };
    match u16::try_from(header.len()) {
        Ok(len) if !v2 => out.extend_from_slice(&len.to_le_bytes()),
        _ => out.extend_from_slice(&(header.len() as u32).to_le_bytes()),
    }
    out.extend_from_slice(header.as_bytes());
    out.extend(body);
    out
}

pub fn write(path: &Path, v: &Value) -> Result<(), NpyError> {
    std::fs::write(path, encode(v)).map_err(|source| NpyError::Io { path: path.display().to_string(), source })
}
