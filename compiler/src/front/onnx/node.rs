//! One ONNX node as importers see it: typed attribute getters that return errors naming
//! the attribute, never panicking on a malformed model.

use onnx_protobuf::{AttributeProto, NodeProto};

use crate::ir::Value;
use crate::ops::OpError;

/// A node being imported, with the opset in force and its constant inputs' values.
pub struct OnnxNode<'a> {
    pub proto: &'a NodeProto,
    pub opset: i64,
    /// Value of each input when it is a compile-time constant (`None` otherwise).
    pub const_inputs: Vec<Option<&'a Value>>,
    /// Static shape of each present input.
    pub input_shapes: Vec<Option<&'a [usize]>>,
}

fn attr_err(name: &str, message: impl Into<String>) -> OpError {
    OpError::Attribute { name: name.into(), message: message.into() }
}

// ONNX AttributeProto.AttributeType codes.
const FLOAT: i32 = 1;
const INT: i32 = 2;
const STRING: i32 = 3;
const TENSOR: i32 = 4;
const FLOATS: i32 = 6;
const INTS: i32 = 7;

impl<'a> OnnxNode<'a> {
    pub fn name(&self) -> &str {
        &self.proto.name
    }

    fn attr(&self, name: &str, kind: i32, kind_name: &str) -> Result<Option<&'a AttributeProto>, OpError> {
        match self.proto.attribute.iter().find(|a| a.name == name) {
            None => Ok(None),
            Some(a) if a.type_.value() == kind => Ok(Some(a)),
            Some(a) => Err(attr_err(name, format!("expected {kind_name}, found attribute type {}", a.type_.value()))),
        }
    }

    pub fn int(&self, name: &str) -> Result<Option<i64>, OpError> {
        Ok(self.attr(name, INT, "an int")?.map(|a| a.i))
    }
    pub fn int_or(&self, name: &str, default: i64) -> Result<i64, OpError> {
        Ok(self.int(name)?.unwrap_or(default))
    }
    pub fn float(&self, name: &str) -> Result<Option<f32>, OpError> {
        Ok(self.attr(name, FLOAT, "a float")?.map(|a| a.f))
    }
    pub fn float_or(&self, name: &str, default: f32) -> Result<f32, OpError> {
        Ok(self.float(name)?.unwrap_or(default))
    }
    pub fn ints(&self, name: &str) -> Result<Option<Vec<i64>>, OpError> {
        Ok(self.attr(name, INTS, "a list of ints")?.map(|a| a.ints.clone()))
    }
    pub fn floats(&self, name: &str) -> Result<Option<Vec<f32>>, OpError> {
        Ok(self.attr(name, FLOATS, "a list of floats")?.map(|a| a.floats.clone()))
    }
    pub fn string(&self, name: &str) -> Result<Option<String>, OpError> {
        match self.attr(name, STRING, "a string")? {
            None => Ok(None),
            Some(a) => String::from_utf8(a.s.clone()).map(Some).map_err(|_| attr_err(name, "is not UTF-8")),
        }
    }
    pub fn string_or(&self, name: &str, default: &str) -> Result<String, OpError> {
        Ok(self.string(name)?.unwrap_or_else(|| default.to_string()))
    }
    pub fn tensor(&self, name: &str) -> Result<Option<&'a onnx_protobuf::TensorProto>, OpError> {
        Ok(self.attr(name, TENSOR, "a tensor")?.and_then(|a| a.t.as_ref()))
    }
    /// Number of inputs, counting absent optional ones written as "".
    pub fn input_count(&self) -> usize {
        self.proto.input.len()
    }
    /// True when input `i` is present (not omitted, not "").
    pub fn has_input(&self, i: usize) -> bool {
        self.proto.input.get(i).is_some_and(|s| !s.is_empty())
    }
    /// Static shape of input `i`, if present.
    pub fn input_shape(&self, i: usize) -> Option<&'a [usize]> {
        self.input_shapes.get(i).copied().flatten()
    }
    /// Constant value of input `i`, if it is one.
    pub fn const_input(&self, i: usize) -> Option<&'a Value> {
        self.const_inputs.get(i).copied().flatten()
    }
}
