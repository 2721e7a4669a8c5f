//! LayerNormalization, InstanceNormalization and GroupNormalization: normalize rows of a
//! [rows, len] view (mean and variance over the row), then apply a scale and bias indexed
//! per element of the row, per channel, or per group. One kernel (`row_norm`) serves all.

use std::any::Any;
use std::collections::BTreeMap;

use super::{arg, fact, invalid, norm_axis, ImportFn, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder, KernelSpec};
use crate::ir::{numel, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Normalize over dims [axis..]; scale/bias shaped like those dims.
    Layer { axis: i64 },
    /// Normalize each (n, c) over the spatial dims; scale/bias per channel.
    Instance,
    /// Normalize each (n, group) over its channels and the spatial dims; scale/bias per
    /// channel (opset 21) or per group (opset 18).
    Group { groups: usize, per_group_affine: bool },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Norm {
    pub kind: Kind,
    pub epsilon: f32,
    /// LayerNormalization's optional outputs 1 and 2: the row means and inverse standard
    /// deviations (f32, the normalized axes kept as 1).
    pub stats: bool,
}

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    reg.insert("LayerNormalization", |n| {
        let stats = n.proto.output.iter().skip(1).any(|o| !o.is_empty());
        if n.int_or("stash_type", 1)? != 1 {
            return Err(OpError::Unsupported("LayerNormalization with stash_type other than float".into()));
        }
        Ok(Box::new(Norm { kind: Kind::Layer { axis: n.int_or("axis", -1)? }, epsilon: n.float_or("epsilon", 1e-5)?, stats }))
    });
    reg.insert("InstanceNormalization", |n| Ok(Box::new(Norm { kind: Kind::Instance, epsilon: n.float_or("epsilon", 1e-5)?, stats: false })));
    reg.insert("GroupNormalization", |n| {
        let groups = usize::try_from(n.int("num_groups")?.ok_or(OpError::Attribute { name: "num_groups".into(), message: "missing".into() })?)
            .ok()
            .filter(|&g| g > 0)
            .ok_or_else(|| invalid("num_groups must be positive"))?;
        Ok(Box::new(Norm { kind: Kind::Group { groups, per_group_affine: n.opset < 21 }, epsilon: n.float_or("epsilon", 1e-5)?, stats: false }))
    });
}

/// Row geometry: (rows, len, how scale/bias are indexed, their expected length).
struct Geometry {
    rows: usize,
    len: usize,
    affine: &'static str,
    affine_len: usize,
    channels: usize,
    groups: usize,
    spatial: usize,
}

impl Norm {
    /// Shape of LayerNormalization's Mean and InvStdDev: X's with the normalized axes as 1.
    fn stats_shape(&self, x: &[usize]) -> Result<Vec<usize>, OpError> {
        let Kind::Layer { axis } = self.kind else { return Err(invalid("only LayerNormalization has Mean/InvStdDev outputs")) };
        let a = norm_axis(axis, x.len())?;
        Ok(x.iter().enumerate().map(|(i, &d)| if i < a { d } else { 1 }).collect())
    }

    fn geometry(&self, x: &[usize]) -> Result<Geometry, OpError> {
        match self.kind {
            Kind::Layer { axis } => {
                let a = norm_axis(axis, x.len())?;
                let rows = x[..a].iter().product();
                let len = x[a..].iter().product();
                Ok(Geometry { rows, len, affine: "element", affine_len: len, channels: 0, groups: 0, spatial: 0 })
            }
            Kind::Instance | Kind::Group { .. } => {
                if x.len() < 2 {
                    return Err(invalid(format!("input {x:?} needs batch and channel axes")));
                }
                let (n, c) = (x[0], x[1]);
                let spatial: usize = x[2..].iter().product();
                match self.kind {
                    Kind::Group { groups, per_group_affine } => {
                        if c % groups != 0 {
                            return Err(invalid(format!("{c} channels are not divisible into {groups} groups")));
                        }
                        let (affine, affine_len) = if per_group_affine { ("group", groups) } else { ("group_channel", c) };
                        Ok(Geometry { rows: n * groups, len: c / groups * spatial, affine, affine_len, channels: c, groups, spatial })
                    }
                    _ => Ok(Geometry { rows: n * c, len: spatial, affine: "channel", affine_len: c, channels: c, groups: c, spatial }),
                }
            }
        }
    }
}

impl Op for Norm {
    fn weight_slots(&self) -> Vec<usize> {
        vec![1, 2]
    }
    fn op_type(&self) -> &'static str {
        match self.kind {
            Kind::Layer { .. } => "LayerNormalization",
            Kind::Instance => "InstanceNormalization",
            Kind::Group { .. } => "GroupNormalization",
        }
    }
    fn attrs(&self) -> String {
        match self.kind {
            Kind::Layer { axis } => format!("axis={axis},epsilon={}", self.epsilon),
            Kind::Group { groups, .. } => format!("num_groups={groups},epsilon={}", self.epsilon),
            Kind::Instance => format!("epsilon={}", self.epsilon),
        }
    }
    fn infer(&self, inputs: &[Option<super::Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let x = fact(inputs, 0, "X")?;
        let g = self.geometry(x.shape)?;
        for i in 1..3 {
            if let Some(p) = inputs.get(i).copied().flatten() {
                let n = numel(p.shape).unwrap_or(0);
                if n != g.affine_len && n != 1 {
                    return Err(invalid(format!("input {i} has {n} elements, expected {} (or 1)", g.affine_len)));
                }
            }
        }
        let mut out = vec![OutFact::new(x.dtype, x.shape.to_vec())];
        if self.stats {
            let shape = self.stats_shape(x.shape)?;
            out.push(OutFact::new(crate::ir::DType::F32, shape.clone()));
            out.push(OutFact::new(crate::ir::DType::F32, shape));
        }
        Ok(out)
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let x = arg(inputs, 0, "X")?;
        let g = self.geometry(&x.shape)?;
        let xs = x.as_f32();
        let scale = inputs.get(1).copied().flatten().map(|v| v.as_f32());
        let bias = inputs.get(2).copied().flatten().map(|v| v.as_f32());
        let pick = |p: &Option<Vec<f32>>, row: usize, j: usize, default: f32| -> f32 {
            let Some(p) = p else { return default };
            if p.len() == 1 {
                return p[0];
            }
            let idx = match g.affine {
                "element" => j,
                "channel" => row % g.channels.max(1),
                "group" => row % g.groups.max(1),
                _ => (row % g.groups.max(1)) * (g.channels / g.groups.max(1)) + j / g.spatial.max(1),
            };
            p.get(idx).copied().unwrap_or(default)
        };
        let mut out = vec![0f32; xs.len()];
        let (mut means, mut invs) = (Vec::with_capacity(g.rows), Vec::with_capacity(g.rows));
        for r in 0..g.rows {
            let row = &xs[r * g.len..(r + 1) * g.len];
            let mean = row.iter().map(|&v| v as f64).sum::<f64>() / g.len.max(1) as f64;
            let var = row.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / g.len.max(1) as f64;
            let inv = 1.0 / (var + self.epsilon as f64).sqrt();
            means.push(mean as f32);
            invs.push(inv as f32);
            for (j, &v) in row.iter().enumerate() {
                out[r * g.len + j] = ((v as f64 - mean) * inv) as f32 * pick(&scale, r, j, 1.0) + pick(&bias, r, j, 0.0);
            }
        }
        let mut outs = vec![Value::from_f32_as(x.dtype, x.shape.clone(), out)];
        if self.stats {
            let shape = self.stats_shape(&x.shape)?;
            outs.push(Value::f32(shape.clone(), means));
            outs.push(Value::f32(shape, invs));
        }
        Ok(outs)
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (x, y) = (k.input(0)?, k.output(0)?);
        let g = self.geometry(k.shape(x)).map_err(|e| k.err(e.to_string()))?;
        let view = vec![g.rows, g.len];
        let mut spec = KernelSpec::new("row_norm", g.rows as u64, k.wg_elementwise()).read_view("x", x, view.clone());
        for (i, name) in [(1usize, "scale"), (2, "bias")] {
            match k.node.input(i) {
                Some(t) => {
                    let n = numel(k.shape(t)).unwrap_or(1);
                    spec = spec.read_view(name, t, vec![n]).param(&format!("has_{name}"), true).param(&format!("{name}_scalar"), n == 1);
                }
                None => spec = spec.param(&format!("has_{name}"), false).param(&format!("{name}_scalar"), false),
            }
        }
        let mut spec = spec.write_view("y", y, view).param("has_stats", self.stats);
        if self.stats {
            let (m, inv) = (k.output(1)?, k.output(2)?);
            spec = spec.write_view("mean_out", m, vec![g.rows]).write_view("inv_out", inv, vec![g.rows]);
        }
        let spec = spec
            .param("len", g.len)
            .param("epsilon", self.epsilon)
            .param("affine", g.affine)
            .param("channels", g.channels)
            .param("groups", g.groups)
            .param("per_group", g.channels / g.groups.max(1))
            .param("spatial", g.spatial)
            .epilogue_at(&["i", "j"]);
        k.emit(spec);
        Ok(())
    }
    fn accepts_epilogue(&self) -> bool {
        true
    }
    fn epilogue_operands(&self) -> bool {
        false
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
