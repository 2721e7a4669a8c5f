//! Einsum: sums of products over labelled axes ("bij,bjk->bik", "ij->ji", "ii->i",
//! "...ii->...i", "i,i"). Labels absent from the output are contracted. An ellipsis
//! stands for the same leading axes in every term (numpy-broadcast, right-aligned);
//! without "->" the output is the ellipsis axes, then the labels used once, sorted.
//!
//! The kernel is the `reduce` template: one invocation per output element, looping over
//! the contracted labels and accumulating the product of one read per operand.

use std::any::Any;
use std::collections::BTreeMap;

use super::{fact, invalid, Fact, ImportFn, Op, OpError, OutFact};
use crate::codegen::{helpers, CodegenError, KernelBuilder, KernelSpec};
use crate::ir::value::strides;
use crate::ir::{numel, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Einsum {
    pub equation: String,
}

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    reg.insert("Einsum", |n| {
        let equation = n.string("equation")?.ok_or(OpError::Attribute { name: "equation".into(), message: "missing".into() })?;
        Ok(Box::new(Einsum { equation }))
    });
}

/// Labels are letters (their code) or ellipsis axes (`ELLIPSIS + k`, k counted from the
/// broadcast ellipsis' first axis).
const ELLIPSIS: u32 = 1000;

/// A parsed equation bound to operand shapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Each operand's label per axis.
    pub operands: Vec<Vec<u32>>,
    /// Output labels.
    pub output: Vec<u32>,
    /// Contracted labels, in first-use order.
    pub contracted: Vec<u32>,
    /// Size of every label.
    pub sizes: BTreeMap<u32, usize>,
}

fn attr(message: String) -> OpError {
    OpError::Attribute { name: "equation".into(), message }
}

/// Splits one term into letters and an optional ellipsis position.
fn term(t: &str) -> Result<(Vec<u32>, Option<usize>), OpError> {
    let mut labels = Vec::new();
    let mut ell = None;
    let mut rest = t;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("...") {
            if ell.replace(labels.len()).is_some() {
                return Err(attr(format!("term '{t}' has two ellipses")));
            }
            rest = r;
            continue;
        }
        let mut chars = rest.chars();
        match chars.next() {
            Some(c) if c.is_ascii_alphabetic() => labels.push(c as u32),
            Some(c) => return Err(attr(format!("term '{t}' has the character '{c}'"))),
            None => break,
        }
        rest = chars.as_str();
    }
    Ok((labels, ell))
}

/// Binds `equation` to operand `shapes`.
pub fn plan(equation: &str, shapes: &[&[usize]]) -> Result<Plan, OpError> {
    let eq: String = equation.chars().filter(|c| !c.is_whitespace()).collect();
    let (lhs, rhs) = match eq.split_once("->") {
        Some((l, r)) => (l, Some(r)),
        None => (eq.as_str(), None),
    };
    let terms: Vec<&str> = lhs.split(',').collect();
    if terms.len() != shapes.len() {
        return Err(attr(format!("'{equation}' has {} operand terms for {} inputs", terms.len(), shapes.len())));
    }
    let parsed: Vec<(Vec<u32>, Option<usize>)> = terms.iter().map(|t| term(t)).collect::<Result<_, _>>()?;
    // Ellipsis width: the axes each operand's ellipsis covers, broadcast right-aligned.
    let mut ell_rank = 0;
    for ((labels, ell), s) in parsed.iter().zip(shapes) {
        match ell {
            Some(_) if s.len() >= labels.len() => ell_rank = ell_rank.max(s.len() - labels.len()),
            None if s.len() == labels.len() => {}
            _ => return Err(attr(format!("'{equation}' does not match an operand of rank {}", s.len()))),
        }
    }
    let mut sizes: BTreeMap<u32, usize> = BTreeMap::new();
    let mut operands = Vec::new();
    let mut counts: BTreeMap<u32, usize> = BTreeMap::new();
    let mut order: Vec<u32> = Vec::new();
    for ((labels, ell), s) in parsed.iter().zip(shapes) {
        let mut axes = labels.clone();
        if let Some(p) = *ell {
            let w = s.len() - labels.len();
            axes.splice(p..p, (ell_rank - w..ell_rank).map(|k| ELLIPSIS + k as u32));
        }
        for (&l, &d) in axes.iter().zip(s.iter()) {
            let e = sizes.entry(l).or_insert(d);
            // Ellipsis axes broadcast (1 stretches); letters must agree.
            if *e != d {
                if l >= ELLIPSIS && (*e == 1 || d == 1) {
                    *e = (*e).max(d);
                } else {
                    return Err(attr(format!("'{equation}': label sizes {} and {d} differ", *e)));
                }
            }
            *counts.entry(l).or_default() += 1;
            if !order.contains(&l) {
                order.push(l);
            }
        }
        operands.push(axes);
    }
    for k in 0..ell_rank as u32 {
        sizes.entry(ELLIPSIS + k).or_insert(1);
    }
    let output: Vec<u32> = match rhs {
        Some(r) => {
            let (labels, ell) = term(r)?;
            let mut out = labels.clone();
            if let Some(p) = ell {
                out.splice(p..p, (0..ell_rank as u32).map(|k| ELLIPSIS + k));
            }
            for l in &out {
                if !sizes.contains_key(l) {
                    return Err(attr(format!("'{equation}': output label '{}' is in no operand", char::from_u32(*l).unwrap_or('?'))));
                }
            }
            let mut seen = out.clone();
            seen.sort_unstable();
            seen.dedup();
            if seen.len() != out.len() {
                return Err(attr(format!("'{equation}': the output repeats a label")));
            }
            out
        }
        None => {
            let mut letters: Vec<u32> = counts.iter().filter(|(&l, &c)| l < ELLIPSIS && c == 1).map(|(&l, _)| l).collect();
            letters.sort_unstable();
            (0..ell_rank as u32).map(|k| ELLIPSIS + k).chain(letters).collect()
        }
    };
    let contracted = order.into_iter().filter(|l| !output.contains(l)).collect();
    Ok(Plan { operands, output, contracted, sizes })
}

impl Plan {
    fn out_shape(&self) -> Vec<usize> {
        self.output.iter().map(|l| self.sizes.get(l).copied().unwrap_or(1)).collect()
    }
    fn red_shape(&self) -> Vec<usize> {
        self.contracted.iter().map(|l| self.sizes.get(l).copied().unwrap_or(1)).collect()
    }
}

impl Op for Einsum {
    fn op_type(&self) -> &'static str {
        "Einsum"
    }
    fn attrs(&self) -> String {
        format!("equation={}", self.equation)
    }
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let facts: Vec<Fact<'_>> = (0..inputs.len()).map(|i| fact(inputs, i, "operand")).collect::<Result<_, _>>()?;
        let dtype = facts.first().map(|f| f.dtype).ok_or_else(|| invalid("Einsum needs an operand"))?;
        let shapes: Vec<&[usize]> = facts.iter().map(|f| f.shape).collect();
        Ok(vec![OutFact::new(dtype, plan(&self.equation, &shapes)?.out_shape())])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let vals: Vec<&Value> = (0..inputs.len()).map(|i| super::arg(inputs, i, "operand")).collect::<Result<_, _>>()?;
        let shapes: Vec<&[usize]> = vals.iter().map(|v| v.shape.as_slice()).collect();
        let p = plan(&self.equation, &shapes)?;
        let (out, red) = (p.out_shape(), p.red_shape());
        let (os, rs) = (strides(&out), strides(&red));
        let data: Vec<Vec<f32>> = vals.iter().map(|v| v.as_f32()).collect();
        let st: Vec<Vec<usize>> = vals.iter().map(|v| strides(&v.shape)).collect();
        let (n, m) = (numel(&out).unwrap_or(0), numel(&red).unwrap_or(0));
        let mut coord: BTreeMap<u32, usize> = BTreeMap::new();
        let mut y = Vec::with_capacity(n);
        for i in 0..n {
            for (d, l) in p.output.iter().enumerate() {
                coord.insert(*l, (i / os[d]) % out[d]);
            }
            let mut acc = 0f64;
            for r in 0..m {
                for (d, l) in p.contracted.iter().enumerate() {
                    coord.insert(*l, (r / rs[d]) % red[d]);
                }
                let mut prod = 1f64;
                for (k, labels) in p.operands.iter().enumerate() {
                    let off: usize = labels.iter().enumerate().map(|(a, l)| if shapes[k][a] == 1 { 0 } else { coord.get(l).copied().unwrap_or(0) * st[k][a] }).sum();
                    prod *= data[k][off] as f64;
                }
                acc += prod;
            }
            y.push(acc as f32);
        }
        Ok(vec![Value::from_f32_as(vals[0].dtype, out, y)])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let y = k.output(0)?;
        let ins: Vec<_> = (0..k.node.inputs.len()).map(|i| k.input(i)).collect::<Result<_, _>>()?;
        let shapes: Vec<Vec<usize>> = ins.iter().map(|&t| k.shape(t).to_vec()).collect();
        let refs: Vec<&[usize]> = shapes.iter().map(Vec::as_slice).collect();
        let p = plan(&self.equation, &refs).map_err(|e| k.err(e.to_string()))?;
        let name_of = |l: &u32| -> String {
            if let Some(d) = p.output.iter().position(|o| o == l) {
                format!("o{d}")
            } else {
                format!("r{}", p.contracted.iter().position(|c| c == l).unwrap_or(0))
            }
        };
        let mut spec = KernelSpec::new("reduce", numel(&p.out_shape()).unwrap_or(0) as u64, k.wg_elementwise());
        let mut factors = Vec::new();
        for (i, (&t, labels)) in ins.iter().zip(&p.operands).enumerate() {
            let name = format!("a{i}");
            let idx: Vec<String> = labels.iter().zip(&shapes[i]).map(|(l, &d)| if d == 1 { "0".to_string() } else { name_of(l) }).collect();
            factors.push(helpers::load(k.lang, &k.desc(&name, t)?, &idx).map_err(|m| k.err(m))?);
            spec = spec.read(&name, t);
        }
        let names: Vec<String> = (0..p.output.len()).map(|d| format!("o{d}")).collect();
        let red_names: Vec<String> = (0..p.contracted.len()).map(|d| format!("r{d}")).collect();
        super::reduce::emit_loop(k, spec, y, names, p.red_shape(), red_names, factors.join(" * "), super::reduce::Kind::Sum);
        Ok(())
    }
    fn accepts_epilogue(&self) -> bool {
        true
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(eq: &str, xs: &[Value]) -> Value {
        let refs: Vec<Option<&Value>> = xs.iter().map(Some).collect();
        Einsum { equation: eq.into() }.eval(&refs).expect("eval").remove(0)
    }

    #[test]
    fn matmul_transpose_trace_and_sums() {
        let a = Value::f32(vec![2, 3], vec![1., 2., 3., 4., 5., 6.]);
        let b = Value::f32(vec![3, 1], vec![1., 0., -1.]);
        assert_eq!(run("ij,jk->ik", &[a.clone(), b.clone()]).as_f32(), vec![-2., -2.]);
        let t = run("ij->ji", &[a.clone()]);
        assert_eq!((t.shape.clone(), t.as_f32()), (vec![3, 2], vec![1., 4., 2., 5., 3., 6.]));
        assert_eq!(run("ij->i", &[a.clone()]).as_f32(), vec![6., 15.]);
        // Implicit output: labels used once, sorted ("ji" transposes to "ij" order).
        assert_eq!(run("ji", &[a.clone()]).shape, vec![3, 2]);
        let sq = Value::f32(vec![2, 2], vec![1., 2., 3., 4.]);
        assert_eq!(run("ii->i", &[sq.clone()]).as_f32(), vec![1., 4.]);
        assert_eq!(run("ii", &[sq]).as_f32(), vec![5.]);
        let v = Value::f32(vec![3], vec![1., 2., 3.]);
        assert_eq!(run("i, i", &[v.clone(), v]).as_f32(), vec![14.]);
        assert_eq!(run("->", &[Value::f32(vec![], vec![2.5])]).as_f32(), vec![2.5]);
    }

    #[test]
    fn batched_and_ellipsis() {
        let q = Value::f32(vec![1, 2, 2, 1], vec![1., 2., 3., 4.]);
        let k = Value::f32(vec![1, 2, 2, 1], vec![1., 1., 2., 0.]);
        let s = run("bhid,bhjd->bhij", &[q, k]);
        assert_eq!((s.shape.clone(), s.as_f32()), (vec![1, 2, 2, 2], vec![1., 1., 2., 2., 6., 0., 8., 0.]));
        let x = Value::f32(vec![2, 2, 2], vec![1., 2., 3., 4., 5., 6., 7., 8.]);
        let d = run("...ii ->...i", &[x]);
        assert_eq!((d.shape.clone(), d.as_f32()), (vec![2, 2], vec![1., 4., 5., 8.]));
        assert!(plan("ij,jk->ik", &[&[2, 3], &[2, 2]]).is_err());
        assert!(plan("ij->ii", &[&[2, 2]]).is_err());
        assert!(plan("i$->i", &[&[2, 2]]).is_err());
    }
}
