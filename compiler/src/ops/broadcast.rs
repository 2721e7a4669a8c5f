//! Numpy-style broadcasting: shape rule and the CPU reference's element-wise loop.

use super::{invalid, Elementwise, OpError};
use crate::ir::value::strides;
use crate::ir::{numel, DType, Data, Value};

/// Broadcast shape of several shapes (right-aligned; 1 stretches).
pub fn shape(shapes: &[&[usize]]) -> Result<Vec<usize>, OpError> {
    let rank = shapes.iter().map(|s| s.len()).max().unwrap_or(0);
    let mut out = vec![1usize; rank];
    for s in shapes {
        let lead = rank - s.len();
        for (i, &d) in s.iter().enumerate() {
            let o = &mut out[lead + i];
            if *o == 1 {
                *o = d;
            } else if d != 1 && d != *o {
                return Err(invalid(format!("shapes {shapes:?} do not broadcast")));
            }
        }
    }
    Ok(out)
}

/// For each output element, the element index inside an operand of shape `s`.
pub fn index_map(s: &[usize], out: &[usize]) -> Vec<usize> {
    let n = numel(out).unwrap_or(0);
    let lead = out.len() - s.len();
    let in_strides = strides(s);
    let out_strides = strides(out);
    (0..n)
        .map(|i| {
            let mut off = 0;
            for (k, (&d, &st)) in s.iter().zip(&in_strides).enumerate() {
                if d != 1 {
                    off += (i / out_strides[lead + k]) % out[lead + k] * st;
                }
            }
            off
        })
        .collect()
}

/// Applies an element-wise op to broadcast operands (CPU reference).
pub fn eval(op: &dyn Elementwise, args: &[&Value]) -> Result<Value, OpError> {
    let shapes: Vec<&[usize]> = args.iter().map(|a| a.shape.as_slice()).collect();
    let out_shape = shape(&shapes)?;
    let maps: Vec<Vec<usize>> = args.iter().map(|a| index_map(&a.shape, &out_shape)).collect();
    let n = numel(&out_shape).unwrap_or(0);
    let dtypes: Vec<DType> = args.iter().map(|a| a.dtype).collect();
    let out_dtype = op.out_dtype(&dtypes);
    let all_int = args.iter().all(|a| a.holds_ints());
    if all_int {
        let ints: Vec<Vec<i64>> = args.iter().map(|a| a.as_i64()).collect();
        let mut out = Vec::with_capacity(n);
        let mut buf = vec![0i64; args.len()];
        let mut int_ok = true;
        for i in 0..n {
            for (k, m) in maps.iter().enumerate() {
                buf[k] = ints[k][m[i]];
            }
            match op.eval_i64(&buf) {
                Some(v) => out.push(v),
                None => {
                    int_ok = false;
                    break;
                }
            }
        }
        if int_ok {
            let v = Value { dtype: out_dtype, shape: out_shape, data: Data::I64(out) };
            return Ok(if out_dtype == DType::Bool { Value::bool(v.shape.clone(), v.as_i64().iter().map(|&x| x != 0).collect()) } else { v });
        }
    }
    let floats: Vec<Vec<f32>> = args.iter().map(|a| a.as_f32()).collect();
    let mut out = Vec::with_capacity(n);
    let mut buf = vec![0f32; args.len()];
    for i in 0..n {
        for (k, m) in maps.iter().enumerate() {
            buf[k] = floats[k][m[i]];
        }
        out.push(op.eval_f32(&buf));
    }
    Ok(Value::from_f32_as(out_dtype, out_shape, out))
}
