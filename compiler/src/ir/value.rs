//! Host-side tensor values: constants in the graph and the CPU reference's data.
//!
//! Floating tensors (f32, f16) are held as f32, integer tensors (i64, i32, i8, u8) as
//! i64, booleans as bool; `dtype` records the logical element type. Quantized weights
//! (int8 values, packed int4 bytes) are held as i8, a byte each: a large model's weights
//! pass through the compiler in that form (as i64 they took 8 bytes per weight), and
//! a checkpoint's f16 weights as f16 (read as they are stored; their values are f32's).

use runtime_min::bundle::DType;

#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    F32(Vec<f32>),
    I64(Vec<i64>),
    Bool(Vec<bool>),
    I8(Vec<i8>),
    F16(Vec<half::f16>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub dtype: DType,
    pub shape: Vec<usize>,
    pub data: Data,
}

/// Number of elements of a shape, `None` on overflow.
pub fn numel(shape: &[usize]) -> Option<usize> {
    shape.iter().try_fold(1usize, |a, &d| a.checked_mul(d))
}

/// Row-major strides of a shape (elements).
pub fn strides(shape: &[usize]) -> Vec<usize> {
    let mut s = vec![1usize; shape.len()];
    for i in (0..shape.len().saturating_sub(1)).rev() {
        s[i] = s[i + 1] * shape[i + 1];
    }
    s
}

pub fn is_float(dtype: DType) -> bool {
    matches!(dtype, DType::F32 | DType::F16)
}

impl Value {
    pub fn f32(shape: Vec<usize>, data: Vec<f32>) -> Self {
        Value { dtype: DType::F32, shape, data: Data::F32(data) }
    }
    pub fn i64(shape: Vec<usize>, data: Vec<i64>) -> Self {
        Value { dtype: DType::I64, shape, data: Data::I64(data) }
    }
    pub fn bool(shape: Vec<usize>, data: Vec<bool>) -> Self {
        Value { dtype: DType::Bool, shape, data: Data::Bool(data) }
    }
    pub fn scalar_f32(v: f32) -> Self {
        Self::f32(vec![], vec![v])
    }

    pub fn len(&self) -> usize {
        match &self.data {
            Data::F32(v) => v.len(),
            Data::I64(v) => v.len(),
            Data::Bool(v) => v.len(),
            Data::I8(v) => v.len(),
            Data::F16(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The elements as f32 (integers and booleans converted).
    pub fn as_f32(&self) -> Vec<f32> {
        match &self.data {
            Data::F32(v) => v.clone(),
            Data::I64(v) => v.iter().map(|&x| x as f32).collect(),
            Data::Bool(v) => v.iter().map(|&x| x as u8 as f32).collect(),
            Data::I8(v) => v.iter().map(|&x| f32::from(x)).collect(),
            Data::F16(v) => v.iter().map(|&x| x.to_f32()).collect(),
        }
    }

    /// The elements as i64 (floats truncated toward zero).
    pub fn as_i64(&self) -> Vec<i64> {
        match &self.data {
            Data::F32(v) => v.iter().map(|&x| x as i64).collect(),
            Data::I64(v) => v.clone(),
            Data::Bool(v) => v.iter().map(|&x| x as i64).collect(),
            Data::I8(v) => v.iter().map(|&x| i64::from(x)).collect(),
            Data::F16(v) => v.iter().map(|&x| x.to_f32() as i64).collect(),
        }
    }

    /// Whether the elements are held as integers (i64 or i8).
    pub fn holds_ints(&self) -> bool {
        matches!(self.data, Data::I64(_) | Data::I8(_))
    }

    pub fn f32_slice(&self) -> Option<&[f32]> {
        match &self.data {
            Data::F32(v) => Some(v),
            _ => None,
        }
    }

    /// Same data reinterpreted with another shape of equal element count.
    pub fn reshaped(&self, shape: Vec<usize>) -> Option<Self> {
        (numel(&shape)? == self.len()).then(|| Value { dtype: self.dtype, shape, data: self.data.clone() })
    }

    /// Builds a value of `dtype` from f32 elements (rounding for integers).
    pub fn from_f32_as(dtype: DType, shape: Vec<usize>, v: Vec<f32>) -> Self {
        match dtype {
            DType::F32 | DType::F16 => Value { dtype, shape, data: Data::F32(v) },
            DType::Bool => Value { dtype, shape, data: Data::Bool(v.iter().map(|&x| x != 0.0).collect()) },
            _ => Value { dtype, shape, data: Data::I64(v.iter().map(|&x| x as i64).collect()) },
        }
    }

    /// Elements gathered by a per-element closure, keeping the element kind.
    pub fn gather(&self, dtype: DType, shape: Vec<usize>, idx: impl Iterator<Item = usize>) -> Self {
        let data = match &self.data {
            Data::F32(v) => Data::F32(idx.map(|i| v[i]).collect()),
            Data::I64(v) => Data::I64(idx.map(|i| v[i]).collect()),
            Data::Bool(v) => Data::Bool(idx.map(|i| v[i]).collect()),
            Data::I8(v) => Data::I8(idx.map(|i| v[i]).collect()),
            Data::F16(v) => Data::F16(idx.map(|i| v[i]).collect()),
        };
        Value { dtype, shape, data }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_storage_reads_as_the_wide_one() {
        let f16 = Value { dtype: DType::F32, shape: vec![3], data: Data::F16([1.5f32, -2.0, 0.25].iter().map(|&x| half::f16::from_f32(x)).collect()) };
        assert_eq!((f16.len(), f16.as_f32(), f16.as_i64()), (3, vec![1.5, -2.0, 0.25], vec![1, -2, 0]));
        assert_eq!(f16.gather(DType::F32, vec![2], [2usize, 0].into_iter()).as_f32(), vec![0.25, 1.5]);
        let i8s = Value { dtype: DType::I8, shape: vec![3], data: Data::I8(vec![-127, 3, 127]) };
        assert_eq!((i8s.len(), i8s.as_f32(), i8s.as_i64(), i8s.holds_ints()), (3, vec![-127.0, 3.0, 127.0], vec![-127, 3, 127], true));
        assert!(!f16.holds_ints() && f16.f32_slice().is_none());
    }
}
