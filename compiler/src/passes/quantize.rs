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

/// Packs two int4 values (each in -8..=7) into one byte, low nibble first, as the int8
/// value kernels read (`q + 8` per nibble).
fn pack(lo: i64, hi: i64) -> i64 {
    let byte = ((lo + 8) as u8) | (((hi + 8) as u8) << 4);
    i64::from(byte as i8)
}

fn int4(x: f32, scale: f32) -> i64 {
    (x / scale).round().clamp(-8.0, 7.0) as i64
}

fn block_scale(values: impl Iterator<Item = f32>) -> f32 {
    let m = values.fold(0f32, |a, v| a.max(v.abs()));
    if m > 0.0 && m.is_finite() { m / 7.0 } else { 1.0 }
}

/// Symmetric int4 of a [K, N] projection in blocks of `block` rows per column:
/// (packed [K/2, N] int8, two rows per byte; scales [K/block, N]).
pub fn per_block_int4(w: &Value, block: usize) -> Result<(Value, Value), String> {
    let [k, n] = w.shape[..] else { return Err(format!("int4 needs a 2-D weight, got {:?}", w.shape)) };
    if block == 0 || block % 2 != 0 || k % block != 0 {
        return Err(format!("int4 blocks of {block} do not divide the {k} rows of {:?}", w.shape));
    }
    let v = w.as_f32();
    let mut scales = vec![0f32; (k / block) * n];
    for b in 0..k / block {
        for c in 0..n {
            scales[b * n + c] = block_scale((b * block..(b + 1) * block).map(|r| v[r * n + c]));
        }
    }
    let mut packed = vec![0i64; (k / 2) * n];
    for p in 0..k / 2 {
        for c in 0..n {
            let s = scales[(2 * p / block) * n + c];
            packed[p * n + c] = pack(int4(v[2 * p * n + c], s), int4(v[(2 * p + 1) * n + c], s));
        }
    }
    Ok((Value { dtype: DType::I8, shape: vec![k / 2, n], data: Data::I64(packed) }, Value::f32(vec![k / block, n], scales)))
}

/// Symmetric int4 of an embedding table [V, H] in blocks of `block` columns per row:
/// (packed [V, H/2] int8, two columns per byte; scales [V, H/block]).
pub fn per_row_block_int4(w: &Value, block: usize) -> Result<(Value, Value), String> {
    let [rows, h] = w.shape[..] else { return Err(format!("int4 needs a 2-D table, got {:?}", w.shape)) };
    if block == 0 || block % 2 != 0 || h % block != 0 {
        return Err(format!("int4 blocks of {block} do not divide the {h} columns of {:?}", w.shape));
    }
    let v = w.as_f32();
    let mut scales = vec![0f32; rows * (h / block)];
    let mut packed = vec![0i64; rows * (h / 2)];
    for r in 0..rows {
        let row = &v[r * h..(r + 1) * h];
        for b in 0..h / block {
            scales[r * (h / block) + b] = block_scale(row[b * block..(b + 1) * block].iter().copied());
        }
        for p in 0..h / 2 {
            let s = scales[r * (h / block) + 2 * p / block];
            packed[r * (h / 2) + p] = pack(int4(row[2 * p], s), int4(row[2 * p + 1], s));
        }
    }
    Ok((Value { dtype: DType::I8, shape: vec![rows, h / 2], data: Data::I64(packed) }, Value::f32(vec![rows, h / block], scales)))
}

/// The two int4 values in a packed byte read as int8 (the kernels' arithmetic).
pub fn unpack(byte: i64) -> (f32, f32) {
    let u = if byte < 0 { byte + 256 } else { byte } as f32;
    let hi = (u / 16.0).floor();
    (u - hi * 16.0 - 8.0, hi - 8.0)
}

#[cfg(test)]
mod int4_tests {
    use super::*;

    #[test]
    fn blocks_round_trip_within_half_a_step() {
        let w: Vec<f32> = (0..8 * 3).map(|i| ((i * 37 % 17) as f32 - 8.0) * 0.1).collect();
        let v = Value::f32(vec![8, 3], w.clone());
        let (q, s) = per_block_int4(&v, 4).expect("quantizes");
        assert_eq!((q.shape.clone(), s.shape.clone()), (vec![4, 3], vec![2, 3]));
        let (qv, sv) = (q.as_i64(), s.as_f32());
        for k in 0..8 {
            for c in 0..3 {
                let (lo, hi) = unpack(qv[(k / 2) * 3 + c]);
                let x = if k % 2 == 0 { lo } else { hi } * sv[(k / 4) * 3 + c];
                assert!((x - w[k * 3 + c]).abs() <= sv[(k / 4) * 3 + c] / 2.0 + 1e-6, "k {k} c {c}: {x} vs {}", w[k * 3 + c]);
            }
        }
        let (t, ts) = per_row_block_int4(&Value::f32(vec![3, 8], w.clone()), 4).expect("table");
        let (lo, hi) = unpack(t.as_i64()[0]);
        assert!((lo * ts.as_f32()[0] - w[0]).abs() <= ts.as_f32()[0] / 2.0 + 1e-6 && (hi * ts.as_f32()[0] - w[1]).abs() <= ts.as_f32()[0] / 2.0 + 1e-6);
        assert!(per_block_int4(&Value::f32(vec![6, 1], vec![0.0; 6]), 4).is_err(), "blocks must divide K");
    }
}
