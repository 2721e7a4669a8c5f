//! Host-side tensors and the element conversions between the host dtype an app uses and
//! the element type a bundle stores on the device.
//!
//! A [`HostTensor`] holds little-endian bytes in logical row-major order. Graph inputs and
//! outputs always have `Layout::Linear` (the verifier enforces it), so moving a tensor to
//! or from its pool is an element-wise conversion: never a layout change at run time.
//!
//! Conversions (the manifest's `TensorEntry.dtype` is the host dtype, `storage.elem` the
//! device one):
//! - float tensors: host F32 or F16 ⇄ device F32 or F16 (round to nearest even on narrowing);
//! - integer and bool tensors: host I64, I32, I8, U8 or Bool ⇄ device I32 (an i64 outside
//!   the i32 range is an [`Error::InputValue`], never a silent wrap).

use crate::bundle::{DType, ElemType};
use crate::error::{Error, Result};
use half::f16;
use half::slice::HalfFloatSliceExt;

/// A tensor in host memory: `data` is `shape.product() * dtype.size()` little-endian bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct HostTensor {
    pub dtype: DType,
    pub shape: Vec<u64>,
    pub data: Vec<u8>,
}

fn bytes_of<const N: usize, T: Copy>(values: &[T], to_le: impl Fn(T) -> [u8; N]) -> Vec<u8> {
    let mut out = Vec::with_capacity(values.len() * N);
    for &v in values {
        out.extend_from_slice(&to_le(v));
    }
    out
}

/// Decodes little-endian `N`-byte elements; `data.len()` must be a multiple of `N`.
fn values_of<const N: usize, T>(data: &[u8], from_le: impl Fn([u8; N]) -> T) -> Vec<T> {
    data.chunks_exact(N)
        .map(|c| {
            let mut w = [0u8; N];
            w.copy_from_slice(c);
            from_le(w)
        })
        .collect()
}

impl HostTensor {
    /// A tensor from raw little-endian bytes. Sizes are checked when the tensor is used.
    pub fn new(dtype: DType, shape: &[u64], data: Vec<u8>) -> Self {
        HostTensor { dtype, shape: shape.to_vec(), data }
    }

    pub fn from_f32(shape: &[u64], values: &[f32]) -> Self {
        Self::new(DType::F32, shape, bytes_of(values, f32::to_le_bytes))
    }

    pub fn from_f16(shape: &[u64], values: &[f16]) -> Self {
        Self::new(DType::F16, shape, bytes_of(values, f16::to_le_bytes))
    }

    pub fn from_i64(shape: &[u64], values: &[i64]) -> Self {
        Self::new(DType::I64, shape, bytes_of(values, i64::to_le_bytes))
    }

    pub fn from_i32(shape: &[u64], values: &[i32]) -> Self {
        Self::new(DType::I32, shape, bytes_of(values, i32::to_le_bytes))
    }

    pub fn from_bool(shape: &[u64], values: &[bool]) -> Self {
        Self::new(DType::Bool, shape, values.iter().map(|&b| u8::from(b)).collect())
    }

    /// Number of logical elements, or `None` if the shape's product overflows.
    pub fn element_count(&self) -> Option<u64> {
        self.shape.iter().try_fold(1u64, |acc, &d| acc.checked_mul(d))
    }

    /// Checks that `data` holds exactly the elements `shape` and `dtype` call for.
    pub fn check_len(&self, name: &str) -> Result<()> {
        let need = self.element_count().and_then(|n| n.checked_mul(self.dtype.size()));
        if need != Some(self.data.len() as u64) {
            return Err(Error::InputValue {
                name: name.to_string(),
                message: format!(
                    "{} bytes of data, but shape {:?} of {:?} needs {}",
                    self.data.len(),
                    self.shape,
                    self.dtype,
                    need.map_or_else(|| "more than 2^64".to_string(), |n| n.to_string())
                ),
            });
        }
        Ok(())
    }

    /// The values as f32, converting from any dtype (integers may round).
    pub fn to_f32(&self) -> Result<Vec<f32>> {
        self.check_len("(host tensor)")?;
        let d = &self.data;
        Ok(match self.dtype {
            DType::F32 => values_of(d, f32::from_le_bytes),
            DType::F16 => values_of(d, |b| f16::from_le_bytes(b).to_f32()),
            DType::I64 => values_of(d, |b| i64::from_le_bytes(b) as f32),
            DType::I32 => values_of(d, |b| i32::from_le_bytes(b) as f32),
            DType::I8 => values_of(d, |b: [u8; 1]| f32::from(i8::from_le_bytes(b))),
            DType::U8 | DType::Bool => d.iter().map(|&b| f32::from(b)).collect(),
        })
    }

    /// The values as i64, converting from integer and bool dtypes; floats are refused.
    pub fn to_i64(&self) -> Result<Vec<i64>> {
        self.check_len("(host tensor)")?;
        let d = &self.data;
        Ok(match self.dtype {
            DType::I64 => values_of(d, i64::from_le_bytes),
            DType::I32 => values_of(d, |b| i64::from(i32::from_le_bytes(b))),
            DType::I8 => values_of(d, |b: [u8; 1]| i64::from(i8::from_le_bytes(b))),
            DType::U8 | DType::Bool => d.iter().map(|&b| i64::from(b)).collect(),
            DType::F32 | DType::F16 => {
                return Err(Error::Unsupported { what: format!("to_i64 of a {:?} tensor", self.dtype) })
            }
        })
    }
}

fn is_float(d: DType) -> bool {
    matches!(d, DType::F32 | DType::F16)
}

/// Whether a host tensor of dtype `host` may feed a graph input declared as `declared`:
/// F32/F16 for float tensors, I64/I32 for integer ones, the exact dtype otherwise.
pub(crate) fn accepts(declared: DType, host: DType) -> bool {
    match declared {
        DType::F32 | DType::F16 => is_float(host),
        DType::I64 | DType::I32 => matches!(host, DType::I64 | DType::I32),
        DType::I8 | DType::U8 | DType::Bool => host == declared,
    }
}

/// Human-readable list of the host dtypes [`accepts`] allows for `declared`.
pub(crate) fn accepted_list(declared: DType) -> String {
    match declared {
        DType::F32 | DType::F16 => "F32 or F16".to_string(),
        DType::I64 | DType::I32 => "I64 or I32".to_string(),
        other => format!("{other:?}"),
    }
}

/// Whether a graph input/output of host dtype `dtype` stored as `elem` can be converted.
pub(crate) fn io_supported(dtype: DType, elem: ElemType) -> bool {
    match elem {
        ElemType::F32 | ElemType::F16 => is_float(dtype),
        ElemType::I32 => !is_float(dtype),
        ElemType::I8x4 => false,
    }
}

/// Converts `t` (already checked with [`accepts`] and [`HostTensor::check_len`]) to the
/// device bytes of element type `elem`.
pub(crate) fn to_device(name: &str, t: &HostTensor, elem: ElemType) -> Result<Vec<u8>> {
    let d = &t.data;
    let out = match (elem, t.dtype) {
        (ElemType::F32, DType::F32) | (ElemType::F16, DType::F16) | (ElemType::I32, DType::I32) => d.clone(),
        (ElemType::F32, DType::F16) => {
            bytes_of(&values_of(d, |b| f16::from_le_bytes(b).to_f32()), f32::to_le_bytes)
        }
        (ElemType::F16, DType::F32) => {
            bytes_of(&values_of(d, |b| f16::from_f32(f32::from_le_bytes(b))), f16::to_le_bytes)
        }
        (ElemType::I32, DType::I64) => {
            let mut out = Vec::with_capacity(d.len() / 2);
            for (i, v) in values_of(d, i64::from_le_bytes).into_iter().enumerate() {
                let v = i32::try_from(v).map_err(|_| Error::InputValue {
                    name: name.to_string(),
                    message: format!("element {i} = {v} does not fit the device's 32-bit integers"),
                })?;
                out.extend_from_slice(&v.to_le_bytes());
            }
            out
        }
        (ElemType::I32, DType::I8) => bytes_of(&values_of(d, |b: [u8; 1]| i32::from(i8::from_le_bytes(b))), i32::to_le_bytes),
        (ElemType::I32, DType::U8) => bytes_of(&values_of(d, |b: [u8; 1]| i32::from(b[0])), i32::to_le_bytes),
        (ElemType::I32, DType::Bool) => bytes_of(&values_of(d, |b: [u8; 1]| i32::from(b[0] != 0)), i32::to_le_bytes),
        (elem, dtype) => {
            return Err(Error::Unsupported { what: format!("input '{name}': host {dtype:?} to device {elem:?}") })
        }
    };
    Ok(out)
}

/// Elements `start .. start + len` of a float output as f32, straight from the device
/// bytes (one pass, no copy of the rest: an LLM's last logits row out of a chunk's).
pub(crate) fn f32_range(name: &str, bytes: &[u8], elem: ElemType, start: usize, len: usize) -> Result<Vec<f32>> {
    let size = match elem {
        ElemType::F32 => 4,
        ElemType::F16 => 2,
        other => return Err(Error::Unsupported { what: format!("output '{name}': device {other:?} read as f32") }),
    };
    let end = start.checked_add(len).filter(|&e| e.saturating_mul(size) <= bytes.len()).ok_or_else(|| Error::OutputValue {
        name: name.to_string(),
        message: format!("elements {start}..{} asked of {}", start.saturating_add(len), bytes.len() / size),
    })?;
    let raw = bytes.get(start * size..end * size).unwrap_or_default();
    Ok(match elem {
        ElemType::F16 => {
            // Whole-slice conversion (F16C / NEON where the CPU has them): an LLM's logits
            // row is read every decode step, and per-element conversion of 128k halves
            // took longer than some GPU steps.
            let halves: Vec<f16> = raw.chunks_exact(2).map(|b| f16::from_le_bytes([b[0], b[1]])).collect();
            let mut out = vec![0f32; halves.len()];
            halves.convert_to_f32_slice(&mut out);
            out
        }
        _ => raw.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect(),
    })
}

/// Converts device bytes of element type `elem` into a host tensor of `dtype`.
pub(crate) fn from_device(name: &str, bytes: &[u8], elem: ElemType, dtype: DType, shape: &[u64]) -> Result<HostTensor> {
    let range = |v: i32, ty: &str| Error::OutputValue {
        name: name.to_string(),
        message: format!("device value {v} does not fit {ty}"),
    };
    let data = match (elem, dtype) {
        (ElemType::F32, DType::F32) | (ElemType::F16, DType::F16) | (ElemType::I32, DType::I32) => bytes.to_vec(),
        (ElemType::F16, DType::F32) => {
            bytes_of(&values_of(bytes, |b| f16::from_le_bytes(b).to_f32()), f32::to_le_bytes)
        }
        (ElemType::F32, DType::F16) => {
            bytes_of(&values_of(bytes, |b| f16::from_f32(f32::from_le_bytes(b))), f16::to_le_bytes)
        }
        (ElemType::I32, DType::I64) => {
            bytes_of(&values_of(bytes, |b| i64::from(i32::from_le_bytes(b))), i64::to_le_bytes)
        }
        (ElemType::I32, DType::Bool) => values_of(bytes, |b| u8::from(i32::from_le_bytes(b) != 0)),
        (ElemType::I32, DType::I8) => values_of(bytes, i32::from_le_bytes)
            .into_iter()
            .map(|v| i8::try_from(v).map(|x| x.to_le_bytes()[0]).map_err(|_| range(v, "i8")))
            .collect::<Result<Vec<u8>>>()?,
        (ElemType::I32, DType::U8) => values_of(bytes, i32::from_le_bytes)
            .into_iter()
            .map(|v| u8::try_from(v).map_err(|_| range(v, "u8")))
            .collect::<Result<Vec<u8>>>()?,
        (elem, dtype) => {
            return Err(Error::Unsupported { what: format!("output '{name}': device {elem:?} to host {dtype:?}") })
        }
    };
    Ok(HostTensor { dtype, shape: shape.to_vec(), data })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f32_range_reads_only_the_asked_elements() -> Result<()> {
        let halves: Vec<u8> = [1.5f32, -2.0, 0.25, 8.0].iter().flat_map(|&v| f16::from_f32(v).to_le_bytes()).collect();
        assert_eq!(f32_range("y", &halves, ElemType::F16, 1, 2)?, vec![-2.0, 0.25]);
        let words: Vec<u8> = [3.0f32, 4.5].iter().flat_map(|v| v.to_le_bytes()).collect();
        assert_eq!(f32_range("y", &words, ElemType::F32, 1, 1)?, vec![4.5]);
        assert!(f32_range("y", &words, ElemType::F32, 1, 2).is_err(), "past the end is an error");
        assert!(f32_range("y", &words, ElemType::I32, 0, 1).is_err(), "integers are not read as f32");
        Ok(())
    }

    #[test]
    fn f32_f16_round_trip() -> Result<()> {
        let t = HostTensor::from_f32(&[3], &[1.0, -2.5, 0.1]);
        let dev = to_device("x", &t, ElemType::F16)?;
        assert_eq!(dev.len(), 6);
        let back = from_device("x", &dev, ElemType::F16, DType::F32, &[3])?;
        let v = back.to_f32()?;
        assert_eq!(&v[..2], &[1.0, -2.5]);
        assert!((v[2] - 0.1).abs() < 1e-3);
        Ok(())
    }

    #[test]
    fn i64_range_is_checked() {
        let t = HostTensor::from_i64(&[2], &[1, i64::from(i32::MAX) + 1]);
        let e = to_device("ids", &t, ElemType::I32);
        assert!(matches!(e, Err(Error::InputValue { ref name, .. }) if name == "ids"), "{e:?}");
    }

    #[test]
    fn i32_to_host_dtypes() -> Result<()> {
        let dev = bytes_of(&[-1i32, 0, 7], i32::to_le_bytes);
        assert_eq!(from_device("o", &dev, ElemType::I32, DType::I64, &[3])?.to_i64()?, vec![-1, 0, 7]);
        assert_eq!(from_device("o", &dev, ElemType::I32, DType::Bool, &[3])?.data, vec![1, 0, 1]);
        assert!(from_device("o", &dev, ElemType::I32, DType::U8, &[3]).is_err());
        Ok(())
    }

    #[test]
    fn length_is_checked() {
        let t = HostTensor::from_f32(&[2, 2], &[1.0, 2.0, 3.0]);
        assert!(t.check_len("x").is_err());
        assert!(t.to_f32().is_err());
    }
}
