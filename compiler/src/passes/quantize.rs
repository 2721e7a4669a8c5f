//! Weight quantization at compile time: symmetric per-output-channel int8 (q8) of a
//! [in, out] projection weight. The int8 copy is stored packed four to a word
//! (ElemType::I8x4) and read through the same accessors as any tensor; the scale is a
//! [out] vector multiplied after the product.

use crate::ir::{DType, Data, Value};

/// (int8 weight [in, out], scale [out]) with w ≈ q · scale[column]; a zero column gets
/// scale 1 and zeros.
pub fn per_column_int8(w: &Value) -> Result<(Value, Value), String> {
    let [rows, cols] = w.shape[..] else { return Err(format!("q8 needs a 2-D weight, got {:?}", w.shape)) };
    let v = w.as_f32();
    let mut scale = vec![0f32; cols];
    for r in 0..rows {
        for (c, s) in scale.iter_mut().enumerate() {
            *s = s.max(v[r * cols + c].abs());
        }
    }
    for s in &mut scale {
        *s = if *s > 0.0 && s.is_finite() { *s / 127.0 } else { 1.0 };
    }
    let q: Vec<i64> = v.iter().enumerate().map(|(i, &x)| (x / scale[i % cols]).round().clamp(-127.0, 127.0) as i64).collect();
    Ok((Value { dtype: DType::I8, shape: vec![rows, cols], data: Data::I64(q) }, Value::f32(vec![cols], scale)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_column_scale_and_rounding() {
        let w = Value::f32(vec![2, 2], vec![1.0, -0.5, -2.0, 0.25]);
        let (q, s) = per_column_int8(&w).expect("quantizes");
        assert_eq!(s.as_f32(), vec![2.0 / 127.0, 0.5 / 127.0]);
        assert_eq!(q.as_i64(), vec![64, -127, -127, 64]);
        let zero = Value::f32(vec![1, 1], vec![0.0]);
        assert_eq!(per_column_int8(&zero).expect("zero").1.as_f32(), vec![1.0]);
    }
}
