//! Conversions between the compiler's [`Value`] and the runtime's [`HostTensor`],
//! keeping each element type exactly (used by `driftc run`/`verify` and the tests).

use runtime_min::HostTensor;

use crate::ir::{DType, Value};

/// The value as host data in its own element type.
pub fn to_host(v: &Value) -> HostTensor {
    let shape: Vec<u64> = v.shape.iter().map(|&d| d as u64).collect();
    match v.dtype {
        DType::F32 => HostTensor::from_f32(&shape, &v.as_f32()),
        DType::F16 => HostTensor::from_f16(&shape, &v.as_f32().iter().map(|&x| half::f16::from_f32(x)).collect::<Vec<_>>()),
        DType::Bool => HostTensor::from_bool(&shape, &v.as_i64().iter().map(|&x| x != 0).collect::<Vec<_>>()),
        DType::I64 => HostTensor::from_i64(&shape, &v.as_i64()),
        DType::I32 => HostTensor::from_i32(&shape, &v.as_i64().iter().map(|&x| x as i32).collect::<Vec<_>>()),
        DType::U8 => HostTensor::new(DType::U8, &shape, v.as_i64().iter().map(|&x| x as u8).collect()),
        DType::I8 => HostTensor::new(DType::I8, &shape, v.as_i64().iter().map(|&x| x as i8 as u8).collect()),
    }
}

/// Host data back as a value (floats as f32, integers as i64).
pub fn from_host(h: &HostTensor) -> Result<Value, runtime_min::Error> {
    let shape: Vec<usize> = h.shape.iter().map(|&d| d as usize).collect();
    Ok(match h.dtype {
        DType::F32 | DType::F16 => {
            let mut v = Value::f32(shape, h.to_f32()?);
            v.dtype = h.dtype;
            v
        }
        DType::Bool => Value::bool(shape, h.to_i64()?.iter().map(|&x| x != 0).collect()),
        dt => {
            let mut v = Value::i64(shape, h.to_i64()?);
            v.dtype = dt;
            v
        }
    })
}
