//! Rotary position embeddings: the frequency schedule read from config.json (plain,
//! `linear` or Llama 3.1's `llama3` scaling) and the cos/sin tables of the whole context,
//! computed at compile time in f32 the way transformers computes them.

use std::path::Path;

use super::Error;

/// How `rope_scaling` (transformers 4) or `rope_parameters` (transformers 5) rescales the
/// rotary frequencies. Types whose frequencies depend on the sequence at run time
/// (`dynamic`, `yarn`, `longrope`) are refused by name.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum RopeScaling {
    #[default]
    None,
    /// Every frequency divided by `factor` (position interpolation).
    Linear { factor: f32 },
    /// Llama 3.1: low frequencies divided by `factor`, high ones kept, the band between
    /// `original_max_position_embeddings / high_freq_factor` and `/ low_freq_factor`
    /// wavelengths blended linearly.
    Llama3 { factor: f32, low_freq_factor: f32, high_freq_factor: f32, original_max_positions: f32 },
}

impl RopeScaling {
    pub fn from_json(json: &serde_json::Value, path: &Path) -> Result<RopeScaling, Error> {
        let bad = |m: String| Error::Config { path: path.display().to_string(), message: m };
        let scaling = match json.get("rope_scaling").filter(|r| !r.is_null()) {
            Some(r) => r,
            None => match json.get("rope_parameters").filter(|r| r.is_object()) {
                Some(r) => r,
                None => return Ok(RopeScaling::None),
            },
        };
        if !scaling.is_object() {
            return Err(bad(format!("'rope_scaling' is {scaling}, not an object")));
        }
        let kind = scaling.get("rope_type").or_else(|| scaling.get("type")).and_then(|t| t.as_str()).unwrap_or("default");
        let num = |key: &str, default: Option<f64>| -> Result<f32, Error> {
            let v = match scaling.get(key).filter(|v| !v.is_null()) {
                Some(v) => v.as_f64().ok_or_else(|| bad(format!("rope_scaling '{key}' is {v}, not a number")))?,
                None => default.ok_or_else(|| bad(format!("rope_scaling of type '{kind}' needs '{key}'")))?,
            };
            if !(v.is_finite() && v > 0.0 && v < 1e9) {
                return Err(bad(format!("rope_scaling '{key}' is {v}; it must be a positive number")));
            }
            Ok(v as f32)
        };
        match kind {
            "default" => Ok(RopeScaling::None),
            "linear" => Ok(RopeScaling::Linear { factor: num("factor", None)? }),
            "llama3" => {
                let factor = num("factor", None)?;
                let (low_freq_factor, high_freq_factor) = (num("low_freq_factor", None)?, num("high_freq_factor", None)?);
                if high_freq_factor <= low_freq_factor {
                    return Err(bad(format!("rope_scaling high_freq_factor {high_freq_factor} must exceed low_freq_factor {low_freq_factor}")));
                }
                let original_max_positions = num("original_max_position_embeddings", None)?;
                Ok(RopeScaling::Llama3 { factor, low_freq_factor, high_freq_factor, original_max_positions })
            }
            other => Err(bad(format!("rope_scaling type '{other}' is not supported (default, linear, llama3); its frequencies change with the sequence length at run time"))),
        }
    }

    /// The scaled inverse frequencies, as transformers' `_compute_llama3_parameters` and
    /// `_compute_linear_scaling_rope_parameters` compute them (f32 tensor arithmetic).
    fn apply(&self, inv: &mut [f32]) {
        match *self {
            RopeScaling::None => {}
            RopeScaling::Linear { factor } => inv.iter_mut().for_each(|f| *f /= factor),
            RopeScaling::Llama3 { factor, low_freq_factor, high_freq_factor, original_max_positions } => {
                let low_wavelen = original_max_positions / low_freq_factor;
                let high_wavelen = original_max_positions / high_freq_factor;
                for f in inv.iter_mut() {
                    let wavelen = (1.0 / *f) * std::f32::consts::TAU;
                    let kept = if wavelen > low_wavelen { *f / factor } else { *f };
                    let medium = !(wavelen < high_wavelen) && !(wavelen > low_wavelen);
                    if medium {
                        let smooth = ((1.0 / wavelen) * original_max_positions - low_freq_factor) / (high_freq_factor - low_freq_factor);
                        *f = (1.0 - smooth) * kept / factor + smooth * kept;
                    } else {
                        *f = kept;
                    }
                }
            }
        }
    }
}

/// cos and sin of [t, d] for positions 0..t in transformers' layout (the d/2 frequencies
/// repeated for both halves), frequencies `1 / theta^(2i/d)` rescaled by `scaling`.
pub fn tables(t: usize, d: usize, theta: f64, scaling: &RopeScaling) -> (Vec<f32>, Vec<f32>) {
    let half = d / 2;
    // transformers computes inv_freq and the angles in f32; so do we, for parity.
    let mut inv: Vec<f32> = (0..half).map(|i| 1.0f32 / (theta as f32).powf((2 * i) as f32 / d as f32)).collect();
    scaling.apply(&mut inv);
    let mut cos = vec![0f32; t * d];
    let mut sin = vec![0f32; t * d];
    for p in 0..t {
        for (i, &f) in inv.iter().enumerate() {
            let a = p as f32 * f;
            for j in [i, i + half] {
                cos[p * d + j] = a.cos();
                sin[p * d + j] = a.sin();
            }
        }
    }
    (cos, sin)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(v: serde_json::Value) -> Result<RopeScaling, Error> {
        RopeScaling::from_json(&v, Path::new("config.json"))
    }

    #[test]
    fn llama3_keeps_high_divides_low_and_blends_the_band() {
        let s = parse(serde_json::json!({"rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
            "high_freq_factor": 4.0, "original_max_position_embeddings": 64}}))
        .expect("parses");
        // d = 16, theta 1e4: wavelengths 2π·10^(i/2) = 6.3, 19.9, 62.8, 199, ...
        let plain: Vec<f32> = (0..8).map(|i| 1.0f32 / 10000f32.powf((2 * i) as f32 / 16.0)).collect();
        let mut scaled = plain.clone();
        s.apply(&mut scaled);
        assert_eq!(scaled[0], plain[0], "wavelength 6.3 < 64/4 is kept");
        for i in 3..8 {
            assert_eq!(scaled[i], plain[i] / 8.0, "wavelength above 64 is divided by the factor");
        }
        for i in 1..3 {
            assert!(scaled[i] < plain[i] && scaled[i] > plain[i] / 8.0, "band {i} is blended");
        }
    }

    #[test]
    fn transformers5_rope_parameters_and_refusals() {
        assert_eq!(parse(serde_json::json!({"rope_parameters": {"rope_type": "default", "rope_theta": 1e4}})).ok(), Some(RopeScaling::None));
        assert_eq!(parse(serde_json::json!({"rope_scaling": {"type": "linear", "factor": 2.0}})).ok(), Some(RopeScaling::Linear { factor: 2.0 }));
        let e = parse(serde_json::json!({"rope_scaling": {"rope_type": "yarn", "factor": 4.0}})).expect_err("yarn refused").to_string();
        assert!(e.contains("'yarn'"), "{e}");
        let e = parse(serde_json::json!({"rope_scaling": {"rope_type": "llama3", "factor": 8.0}})).expect_err("incomplete").to_string();
        assert!(e.contains("low_freq_factor"), "{e}");
        let e = parse(serde_json::json!({"rope_scaling": {"rope_type": "linear", "factor": -1.0}})).expect_err("negative").to_string();
        assert!(e.contains("'factor'"), "{e}");
    }
}
