//! `Generator`: drives an LLM bundle's prefill and decode programs — prompt in chunks,
//! one decode run per new token, sampling on the host, stop tokens, streaming, and a
//! clear error at context overflow. The KV cache lives in the bundle's pools and persists
//! between runs; `reset` only rewinds the position (rows past it are never read).

use std::time::Instant;

use crate::bundle::LlmSpec;
use crate::error::{Error, Result};
use crate::host::HostTensor;
use crate::loader::Bundle;
use crate::session::{RunStats, Session, SessionOptions};

/// How the next token is chosen from the logits.
#[derive(Debug, Clone, PartialEq)]
pub struct Sampling {
    /// 0 = greedy (argmax; ties go to the lowest id). Otherwise logits are divided by it.
    pub temperature: f32,
    /// Keep only the k most likely tokens; 0 = all.
    pub top_k: usize,
    /// Keep the smallest set of most likely tokens whose probability reaches p; 1 = all.
    pub top_p: f32,
    pub seed: u64,
}

impl Sampling {
    pub fn greedy() -> Self {
        Sampling { temperature: 0.0, top_k: 0, top_p: 1.0, seed: 0 }
    }
}

impl Default for Sampling {
    fn default() -> Self {
        Sampling::greedy()
    }
}

/// What one `generate` call did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Generation {
    /// New tokens only (the prompt is not repeated); includes the stop token if one ended it.
    pub ids: Vec<u32>,
    /// True when a stop token ended generation before `max_new_tokens`.
    pub stopped: bool,
    pub prompt_tokens: usize,
    pub prefill_seconds: f64,
    /// Decode runs (one per new token after the first, which prefill's logits give).
    pub decode_steps: usize,
    pub decode_seconds: f64,
    /// Of `decode_seconds`: host wall time inside the decode runs (submit to fence), and
    /// the GPU time of their dispatches from timestamps (0 without them); the rest is
    /// host work between runs (inputs, reading logits, sampling).
    pub decode_run_seconds: f64,
    pub decode_gpu_seconds: f64,
    /// True when the decode steps were chained on the device (`Generator::set_pipelined`):
    /// runs overlap, so `decode_run_seconds` and `decode_gpu_seconds` stay 0.
    pub decode_chained: bool,
    /// The logits the last new token was chosen from (after the prompt, or after the
    /// last decode step); empty when no token was generated, or when greedy decode steps
    /// took the device's choice (see `Generator::set_keep_logits`).
    pub last_logits: Vec<f32>,
}

impl Generation {
    pub fn prefill_tokens_per_second(&self) -> f64 {
        if self.prefill_seconds > 0.0 { self.prompt_tokens as f64 / self.prefill_seconds } else { 0.0 }
    }
    pub fn decode_tokens_per_second(&self) -> f64 {
        if self.decode_seconds > 0.0 { self.decode_steps as f64 / self.decode_seconds } else { 0.0 }
    }
}

/// What [`Generator::score`] measured: per predicted position, ln p(next id) and the argmax.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scores {
    pub log_probs: Vec<f64>,
    pub top1: Vec<u32>,
}

impl Scores {
    pub fn perplexity(&self) -> f64 {
        if self.log_probs.is_empty() {
            return f64::NAN;
        }
        (-self.log_probs.iter().sum::<f64>() / self.log_probs.len() as f64).exp()
    }
}

/// An LLM bundle on one device, with its position in the KV cache.
pub struct Generator {
    session: Session,
    spec: LlmSpec,
    /// Tokens already in the KV cache.
    position: usize,
    rng: u64,
    /// When set, the config's EOS ids do not end generation (benchmarks, parity runs).
    ignore_eos: bool,
    keep_logits: bool,
    /// Greedy decode steps chained on the device (`set_pipelined`, on by default).
    pipelined: bool,
}

impl std::fmt::Debug for Generator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Generator").field("family", &self.spec.family).field("position", &self.position).finish_non_exhaustive()
    }
}

/// splitmix64: a small, seedable generator for sampling (not for secrets).
fn next_u64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Generator {
    /// Opens a session for an LLM bundle (one compiled from a checkpoint directory).
    pub fn new(bundle: &Bundle, options: &SessionOptions) -> Result<Generator> {
        let spec = bundle.manifest().llm.clone().ok_or_else(|| Error::Unsupported { what: "this bundle has no LLM section (compile a Hugging Face checkpoint directory)".into() })?;
        let session = Session::new(bundle, options)?;
        Ok(Generator { session, spec, position: 0, rng: 0, ignore_eos: false, keep_logits: false, pipelined: true })
    }

    pub fn spec(&self) -> &LlmSpec {
        &self.spec
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Tokens in the KV cache.
    pub fn position(&self) -> usize {
        self.position
    }

    /// Whether the config's EOS ids end generation (they do unless this is set).
    pub fn set_ignore_eos(&mut self, ignore: bool) {
        self.ignore_eos = ignore;
    }

    /// Forgets the conversation: the next prefill starts at position 0.
    pub fn reset(&mut self) {
        self.position = 0;
    }

    fn room(&self, tokens: usize) -> Result<()> {
        let max = self.spec.max_context as usize;
        if self.position.saturating_add(tokens) > max {
            return Err(Error::ContextOverflow { position: self.position, tokens, max_context: max });
        }
        Ok(())
    }

    fn check_ids(&self, ids: &[u32]) -> Result<()> {
        match ids.iter().find(|&&t| t >= self.spec.vocab_size) {
            Some(&t) => Err(Error::InputValue { name: self.spec.prefill_ids.clone(), message: format!("token id {t} is outside the vocabulary of {}", self.spec.vocab_size) }),
            None => Ok(()),
        }
    }

    /// Feeds `ids` to the model after what the cache holds, chunk by chunk; returns the
    /// logits after the last of them.
    pub fn prefill(&mut self, ids: &[u32]) -> Result<Vec<f32>> {
        if ids.is_empty() {
            return Err(Error::InputValue { name: self.spec.prefill_ids.clone(), message: "an empty prompt".into() });
        }
        self.check_ids(ids)?;
        self.room(ids.len())?;
        let t = self.spec.prefill_tokens as usize;
        let vocab = self.spec.vocab_size as usize;
        let mut last = Vec::new();
        let chunks = ids.chunks(t.max(1)).count();
        for (ci, chunk) in ids.chunks(t.max(1)).enumerate() {
            // A short last chunk is padded with its own last token; `last_row` marks where the
            // prompt ends, and the padded rows are not written to the cache.
            let mut padded: Vec<i64> = chunk.iter().map(|&x| i64::from(x)).collect();
            padded.resize(t, padded.last().copied().unwrap_or(0));
            self.session.set_input(&self.spec.prefill_ids, &HostTensor::from_i64(&[1, t as u64], &padded))?;
            self.session.set_input(&self.spec.prefill_position, &HostTensor::from_i64(&[1], &[self.position as i64]))?;
            // Only the last prompt token's row is needed: the program with the LM head on
            // that one row (the padding past it is not computed).
            self.set_last_row(chunk.len())?;
            self.session.run_program(&self.spec.prefill_last.clone())?;
            if ci + 1 == chunks {
                last = self.session.output_f32(&self.spec.prefill_last_logits, 0, vocab)?;
            }
            self.position += chunk.len();
        }
        Ok(last)
    }

    /// Sets the prefill programs' `last_row` input: the chunk holds `tokens` prompt
    /// tokens, the rows past them are padding.
    fn set_last_row(&mut self, tokens: usize) -> Result<()> {
        let last = tokens.saturating_sub(1);
        let row = i64::try_from(last).map_err(|_| Error::InputValue { name: self.spec.prefill_last_row.clone(), message: format!("row {last} does not fit int64") })?;
        self.session.set_input(&self.spec.prefill_last_row, &HostTensor::from_i64(&[1], &[row]))
    }

    /// Teacher-forced scoring from position 0 (the cache is reset first): feeds `ids` chunk
    /// by chunk and, for every position but the last, the log-probability of the next
    /// id and the model's own argmax there. Perplexity is exp(−mean of `log_probs`).
    pub fn score(&mut self, ids: &[u32]) -> Result<Scores> {
        self.reset();
        self.check_ids(ids)?;
        self.room(ids.len())?;
        let t = self.spec.prefill_tokens as usize;
        let vocab = self.spec.vocab_size as usize;
        let mut out = Scores::default();
        for (ci, chunk) in ids.chunks(t.max(1)).enumerate() {
            let mut padded: Vec<i64> = chunk.iter().map(|&x| i64::from(x)).collect();
            padded.resize(t, padded.last().copied().unwrap_or(0));
            self.session.set_input(&self.spec.prefill_ids, &HostTensor::from_i64(&[1, t as u64], &padded))?;
            self.session.set_input(&self.spec.prefill_position, &HostTensor::from_i64(&[1], &[self.position as i64]))?;
            self.set_last_row(chunk.len())?;
            self.session.run_program(&self.spec.prefill.clone())?;
            let len = chunk.len().checked_mul(vocab).ok_or_else(|| Error::OutputValue { name: self.spec.prefill_logits.clone(), message: format!("{} rows of {vocab} logits overflow", chunk.len()) })?;
            let logits = self.session.output_f32(&self.spec.prefill_logits, 0, len)?;
            for r in 0..chunk.len() {
                let at = ci * t + r;
                let Some(&next) = ids.get(at + 1) else { break };
                let row = logits.get(r * vocab..(r + 1) * vocab).ok_or_else(|| Error::OutputValue { name: self.spec.prefill_logits.clone(), message: format!("row {r} missing") })?;
                let mx = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                let lse = f64::from(mx) + row.iter().map(|&v| f64::from(v - mx).exp()).sum::<f64>().ln();
                out.log_probs.push(f64::from(row.get(next as usize).copied().unwrap_or(f32::NEG_INFINITY)) - lse);
                out.top1.push(argmax(row));
            }
            self.position += chunk.len();
        }
        Ok(out)
    }

    /// Feeds one token; returns the logits after it.
    pub fn decode(&mut self, id: u32) -> Result<Vec<f32>> {
        self.decode_run(id, false)?;
        self.session.output_f32(&self.spec.decode_logits, 0, self.spec.vocab_size as usize)
    }

    /// Runs the decode program on `id` at the current position and advances it; with
    /// `choice_only` only the device's greedy choice is made readable (the logits are not
    /// copied back).
    fn decode_run(&mut self, id: u32, choice_only: bool) -> Result<RunStats> {
        self.check_ids(&[id])?;
        self.room(1)?;
        let (decode, next) = (self.spec.decode.clone(), self.spec.decode_next_id.clone());
        let only = [next.as_str()];
        self.session.set_output_reads(&decode, choice_only.then_some(&only[..]))?;
        self.session.set_input(&self.spec.decode_ids, &HostTensor::from_i64(&[1, 1], &[i64::from(id)]))?;
        self.session.set_input(&self.spec.decode_position, &HostTensor::from_i64(&[1], &[self.position as i64]))?;
        let stats = self.session.run_program(&self.spec.decode.clone())?;
        self.position += 1;
        Ok(stats)
    }

    /// The greedy token of the last decode run as the device picked it (the largest logit,
    /// first on ties, NaN skipped: as [`argmax`]), checked against the vocabulary.
    pub fn decode_choice(&self) -> Result<u32> {
        let v = self.session.output(&self.spec.decode_next_id)?.to_i64()?;
        self.checked_choice(&v)
    }

    /// The device's greedy choice (`decode.next_id`'s value), checked against the vocabulary.
    fn checked_choice(&self, v: &[i64]) -> Result<u32> {
        let name = &self.spec.decode_next_id;
        let id = v.first().copied().ok_or_else(|| Error::OutputValue { name: name.clone(), message: "empty".into() })?;
        u32::try_from(id).ok().filter(|&i| i < self.spec.vocab_size).ok_or_else(|| Error::OutputValue { name: name.clone(), message: format!("token id {id} is outside the vocabulary of {}", self.spec.vocab_size) })
    }

    /// Whether `generate` keeps the logits of each step (`Generation::last_logits`) even
    /// when sampling greedily (otherwise greedy steps read only the device's choice).
    pub fn set_keep_logits(&mut self, keep: bool) {
        self.keep_logits = keep;
    }

    /// Whether greedy `generate` chains its decode steps on the device where the backend
    /// can (OpenCL and Vulkan; elsewhere the steps run one by one as without it): each step takes the
    /// token the step before chose straight from the device, and is started before that
    /// token is read back, so the GPU does not wait for the host between steps. The tokens
    /// are the same; `Generation::decode_run_seconds` and `decode_gpu_seconds` stay 0.
    /// On by default (NVIDIA H200, 2026-12-03, Llama-3.2-1B-shaped through OpenCL: f16
    /// decode 852.0 -> 911.4 tok/s, q8 1229.8 -> 1345.4, the same 256 tokens; through
    /// Vulkan, f16 1149.6 -> 1136.8 us a step); off times each step's run and GPU time.
    pub fn set_pipelined(&mut self, pipelined: bool) {
        self.pipelined = pipelined;
    }

    /// Picks a token from `logits` as `s` says (the generator's random state advances).
    pub fn sample(&mut self, logits: &[f32], s: &Sampling) -> u32 {
        if s.temperature <= 0.0 || s.top_k == 1 {
            return argmax(logits);
        }
        let mut cand: Vec<(u32, f32)> = logits.iter().enumerate().filter(|(_, v)| v.is_finite()).map(|(i, &v)| (i as u32, v / s.temperature)).collect();
        if cand.is_empty() {
            return argmax(logits);
        }
        cand.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        if s.top_k > 0 {
            cand.truncate(s.top_k);
        }
        let mx = cand.first().map_or(0.0, |c| c.1);
        let mut probs: Vec<f64> = cand.iter().map(|c| f64::from(c.1 - mx).exp()).collect();
        let total: f64 = probs.iter().sum();
        probs.iter_mut().for_each(|p| *p /= total);
        if s.top_p < 1.0 {
            let mut acc = 0.0;
            let keep = probs.iter().position(|&p| { acc += p; acc >= f64::from(s.top_p) }).map_or(probs.len(), |i| i + 1);
            probs.truncate(keep);
            let total: f64 = probs.iter().sum();
            probs.iter_mut().for_each(|p| *p /= total);
        }
        let r = (next_u64(&mut self.rng) >> 11) as f64 / (1u64 << 53) as f64;
        let mut acc = 0.0;
        for (c, p) in cand.iter().zip(&probs) {
            acc += p;
            if r < acc {
                return c.0;
            }
        }
        cand.get(probs.len().saturating_sub(1)).map_or(0, |c| c.0)
    }

    /// Prefills `prompt` after what the cache holds, then generates up to `max_new_tokens`,
    /// stopping after a stop token (the config's EOS ids, or `extra_stops`). `on_token` sees
    /// each new token as it is chosen and may return false to stop.
    pub fn generate(&mut self, prompt: &[u32], max_new_tokens: usize, sampling: &Sampling, extra_stops: &[u32], mut on_token: impl FnMut(u32) -> bool) -> Result<Generation> {
        self.rng = sampling.seed;
        self.room(prompt.len().saturating_add(max_new_tokens.saturating_sub(1)))?;
        let mut out = Generation { prompt_tokens: prompt.len(), ..Default::default() };
        let start = Instant::now();
        let mut logits = self.prefill(prompt)?;
        out.prefill_seconds = start.elapsed().as_secs_f64();
        let greedy = (sampling.temperature <= 0.0 || sampling.top_k == 1) && !self.keep_logits;
        // The next token when the device chose it (greedy decode steps).
        let mut picked: Option<u32> = None;
        let start = Instant::now();
        let chained = greedy && self.pipelined && self.generate_chained(&logits, max_new_tokens, extra_stops, &mut on_token, &mut out)?;
        out.decode_chained = chained;
        while !chained && out.ids.len() < max_new_tokens {
            let id = match picked.take() {
                Some(id) => id,
                None => self.sample(&logits, sampling),
            };
            out.ids.push(id);
            let go_on = on_token(id);
            if (!self.ignore_eos && self.spec.eos_token_ids.contains(&id)) || extra_stops.contains(&id) {
                out.stopped = true;
                break;
            }
            if !go_on || out.ids.len() == max_new_tokens {
                break;
            }
            let stats = self.decode_run(id, greedy)?;
            if greedy {
                picked = Some(self.decode_choice()?);
            } else {
                logits = self.session.output_f32(&self.spec.decode_logits, 0, self.spec.vocab_size as usize)?;
            }
            out.decode_steps += 1;
            out.decode_run_seconds += stats.wall_ns as f64 * 1e-9;
            out.decode_gpu_seconds += stats.gpu_ns.unwrap_or(0) as f64 * 1e-9;
        }
        out.decode_seconds = start.elapsed().as_secs_f64();
        if !out.ids.is_empty() && (!greedy || out.decode_steps == 0) {
            out.last_logits = logits;
        }
        Ok(out)
    }
}

impl Generator {
    /// Greedy generation after the prompt's `logits` with chained decode steps
    /// (`set_pipelined`): step k + 1 (fed step k's choice on the device) is started before
    /// step k's token is read; a step started past a stop is waited for and its cache row
    /// left to be overwritten (the position steps back). False where the backend has no
    /// chained runs, before anything is generated (the caller then runs the steps one by
    /// one).
    fn generate_chained(&mut self, logits: &[f32], max_new_tokens: usize, extra_stops: &[u32], on_token: &mut impl FnMut(u32) -> bool, out: &mut Generation) -> Result<bool> {
        let (decode, next) = (self.spec.decode.clone(), self.spec.decode_next_id.clone());
        let ids_input = self.spec.decode_ids.clone();
        if !self.session.chains() {
            return Ok(false);
        }
        if max_new_tokens == 0 {
            return Ok(true);
        }
        let mut in_flight = 0usize;
        let stops = |g: &Generator, id: u32| (!g.ignore_eos && g.spec.eos_token_ids.contains(&id)) || extra_stops.contains(&id);
        let mut id = argmax(logits);
        let result = (|| -> Result<bool> {
            loop {
                out.ids.push(id);
                let go_on = on_token(id);
                if stops(self, id) {
                    out.stopped = true;
                    return Ok(true);
                }
                if !go_on || out.ids.len() == max_new_tokens {
                    return Ok(true);
                }
                if in_flight == 0 {
                    // The first step, fed from the host (later ones run a step ahead).
                    self.check_ids(&[id])?;
                    self.session.set_input(&ids_input, &HostTensor::from_i64(&[1, 1], &[i64::from(id)]))?;
                    self.start_step(&decode, None, &next)?;
                    in_flight = 1;
                }
                // The next step, fed the choice of the one in flight, while more may be wanted.
                if out.ids.len() + in_flight < max_new_tokens {
                    self.start_step(&decode, Some((&ids_input, &next)), &next)?;
                    in_flight += 1;
                }
                let chosen = self.session.wait_chained()?.to_i64()?;
                in_flight -= 1;
                out.decode_steps += 1;
                id = self.checked_choice(&chosen)?;
            }
        })();
        // Steps still in flight (started past a stop, or before an error) are waited for;
        // their tokens are dropped and their cache rows overwritten by what comes next.
        while self.session.chained_in_flight() > 0 {
            let waited = self.session.wait_chained();
            self.position = self.position.saturating_sub(1);
            if result.is_ok() {
                waited?;
            }
        }
        result
    }

    /// One chained decode step at the current position, which it advances (the backend
    /// said it chains).
    fn start_step(&mut self, decode: &str, fed: Option<(&str, &str)>, next: &str) -> Result<()> {
        self.room(1)?;
        self.session.set_input(&self.spec.decode_position.clone(), &HostTensor::from_i64(&[1], &[self.position as i64]))?;
        if !self.session.start_chained(decode, fed, next)? {
            return Err(Error::Unsupported { what: "a chained decode step on a backend that said it chains".into() });
        }
        self.position += 1;
        Ok(())
    }
}

/// Index of the largest value, NaN skipped (first on ties); 0 when there is none. Eight
/// running maxima over the row (vectorizable), then the first index holding the largest.
pub fn argmax(v: &[f32]) -> u32 {
    let mut lanes = [f32::NEG_INFINITY; 8];
    let chunks = v.chunks_exact(8);
    let tail = chunks.remainder();
    for c in chunks {
        for (m, &x) in lanes.iter_mut().zip(c) {
            // NaN compares false and is skipped.
            *m = if x > *m { x } else { *m };
        }
    }
    let best = lanes.iter().chain(tail).fold(f32::NEG_INFINITY, |m, &x| if x > m { x } else { m });
    if best == f32::NEG_INFINITY {
        // Every value is -inf or NaN: the first -inf, else 0.
        return v.iter().position(|&x| x == f32::NEG_INFINITY).map_or(0, |i| i as u32);
    }
    v.iter().position(|&x| x == best).map_or(0, |i| i as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argmax_prefers_first_and_skips_nan() {
        assert_eq!(argmax(&[1.0, 3.0, 3.0, f32::NAN]), 1);
        assert_eq!(argmax(&[f32::NAN, -1.0]), 1);
        assert_eq!(argmax(&[f32::NAN, f32::NAN]), 0);
        assert_eq!(argmax(&[f32::NAN, f32::NEG_INFINITY, f32::NEG_INFINITY]), 1);
        // Rows longer than the eight running maxima: ties in different lanes and chunks
        // go to the first index; the tail counts.
        let mut v: Vec<f32> = (0..1003).map(|i| ((i * 37) % 101) as f32 * 0.5).collect();
        assert_eq!(argmax(&v), v.iter().position(|&x| x == 50.0).unwrap_or(usize::MAX) as u32);
        v[1001] = 99.0;
        assert_eq!(argmax(&v), 1001);
        v[13] = 99.0;
        v[5] = f32::NAN;
        assert_eq!(argmax(&v), 13);
    }
}
