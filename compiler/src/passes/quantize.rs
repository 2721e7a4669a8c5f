//! Weight quantization at compile time, of [out, in] projection weights (each output's
//! weights one row): symmetric per-row int8 (q8), stored packed four to a word
//! (ElemType::I8x4) and read through the same accessors as any tensor, its scale a [out]
//! vector multiplied after the product; and int4 in blocks along each row (8/4/4), the
//! format of embedding tables and feed-forward weights alike.

use crate::ir::{DType, Data, Value};

/// Calls `f` with each row index and row of `cols` values of the 2-D weight `w` as f32,
/// walked row by row (no index division per element): f32 rows borrowed, f16 rows widened
/// one at a time, other kinds converted whole first. An error when `w` does not hold
/// rows × cols values.
fn for_each_row(w: &Value, rows: usize, cols: usize, mut f: impl FnMut(usize, &[f32])) -> Result<(), String> {
    if rows.checked_mul(cols) != Some(w.len()) {
        return Err(format!("a weight of shape {:?} holds {} values", w.shape, w.len()));
    }
    let owned: Vec<f32> = if matches!(w.data, Data::F32(_) | Data::F16(_)) { Vec::new() } else { w.as_f32() };
    let mut wide = Vec::with_capacity(cols);
    for r in 0..rows {
        let span = r * cols..(r + 1) * cols;
        let row: &[f32] = match &w.data {
            Data::F32(v) => &v[span],
            Data::F16(v) => {
                wide.clear();
                wide.extend(v[span].iter().map(|x| x.to_f32()));
                &wide
            }
            _ => &owned[span],
        };
        f(r, row);
    }
    Ok(())
}

/// (int8 weight [out, in], scale [out]) with w ≈ q · scale[row]; a zero row gets scale 1
/// and zeros.
pub fn per_row_int8(w: &Value) -> Result<(Value, Value), String> {
    let [rows, cols] = w.shape[..] else { return Err(format!("q8 needs a 2-D weight, got {:?}", w.shape)) };
    let mut scale = Vec::with_capacity(rows);
    let mut q: Vec<i8> = Vec::with_capacity(rows * cols);
    for_each_row(w, rows, cols, |_, row| {
        let m = row.iter().fold(0f32, |a, x| a.max(x.abs()));
        let s = if m > 0.0 && m.is_finite() { m / 127.0 } else { 1.0 };
        q.extend(row.iter().map(|&x| (x / s).round().clamp(-127.0, 127.0) as i8));
        scale.push(s);
    })?;
    Ok((Value { dtype: DType::I8, shape: vec![rows, cols], data: Data::I8(q) }, Value::f32(vec![rows], scale)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_row_scale_and_rounding() {
        let w = Value::f32(vec![2, 2], vec![1.0, -2.0, -0.5, 0.25]);
        let (q, s) = per_row_int8(&w).expect("quantizes");
        assert_eq!(s.as_f32(), vec![2.0 / 127.0, 0.5 / 127.0]);
        assert_eq!(q.as_i64(), vec![64, -127, -127, 64]);
        let zero = Value::f32(vec![1, 1], vec![0.0]);
        assert_eq!(per_row_int8(&zero).expect("zero").1.as_f32(), vec![1.0]);
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

/// Symmetric int4 of an embedding table [V, H] or an [out, in] projection, in blocks of
/// `block` columns per row: (packed [V, H/2] int8, two columns per byte; scales [V, H/block]).
pub fn per_row_block_int4(w: &Value, block: usize) -> Result<(Value, Value), String> {
    let [rows, h] = w.shape[..] else { return Err(format!("int4 needs a 2-D table, got {:?}", w.shape)) };
    if block == 0 || !block.is_multiple_of(2) || h % block != 0 {
        return Err(format!("int4 blocks of {block} do not divide the {h} columns of {:?}", w.shape));
    }
    let mut scales = vec![0f32; rows * (h / block)];
    let mut packed = vec![0i8; rows * (h / 2)];
    for_each_row(w, rows, h, |r, row| {
        for b in 0..h / block {
            scales[r * (h / block) + b] = block_scale(row[b * block..(b + 1) * block].iter().copied());
        }
        for p in 0..h / 2 {
            let s = scales[r * (h / block) + 2 * p / block];
            packed[r * (h / 2) + p] = pack(int4(row[2 * p], s), int4(row[2 * p + 1], s)) as i8;
        }
    })?;
    Ok((Value { dtype: DType::I8, shape: vec![rows, h / 2], data: Data::I8(packed) }, Value::f32(vec![rows, h / block], scales)))
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
        let w: Vec<f32> = (0..3 * 8).map(|i| ((i * 37 % 17) as f32 - 8.0) * 0.1).collect();
        let (q, s) = per_row_block_int4(&Value::f32(vec![3, 8], w.clone()), 4).expect("quantizes");
        assert_eq!((q.shape.clone(), s.shape.clone()), (vec![3, 4], vec![3, 2]));
        let (qv, sv) = (q.as_i64(), s.as_f32());
        for r in 0..3 {
            for c in 0..8 {
                let (lo, hi) = unpack(qv[r * 4 + c / 2]);
                let scale = sv[r * 2 + c / 4];
                let x = if c % 2 == 0 { lo } else { hi } * scale;
                assert!((x - w[r * 8 + c]).abs() <= scale / 2.0 + 1e-6, "row {r} col {c}: {x} vs {}", w[r * 8 + c]);
            }
        }
        assert!(per_row_block_int4(&Value::f32(vec![1, 6], vec![0.0; 6]), 4).is_err(), "blocks must divide the row");
    }
}
