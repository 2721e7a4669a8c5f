//! Draws a memory plan as SVG: x is the execution step, y the offset in the pool, one
//! rectangle per tensor (labelled by the node that produces it, in a tooltip and, when
//! wide enough, as text), and a line at the peak of live bytes.

use std::fmt::Write;

use super::UsageRecord;

/// `labels[i]` names record `i`; `peak_step` is where live bytes are highest.
pub fn draw(title: &str, records: &[UsageRecord], offsets: &[u64], labels: &[String], total: u64, peak_step: usize) -> String {
    let steps = records.iter().map(|r| r.last + 1).max().unwrap_or(1).max(1);
    let (w, h, left, top) = (1600.0f64, 900.0f64, 90.0f64, 40.0f64);
    let sx = (w - left - 20.0) / steps as f64;
    let sy = (h - top - 40.0) / total.max(1) as f64;
    let mut s = String::new();
    let _ = writeln!(s, r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="11">"#);
    let _ = writeln!(s, r#"<rect width="{w}" height="{h}" fill="white"/>"#);
    let _ = writeln!(s, r#"<text x="{left}" y="20" font-size="15">{}</text>"#, escape(title));
    for (i, r) in records.iter().enumerate() {
        let (Some(&off), Some(label)) = (offsets.get(i), labels.get(i)) else { continue };
        let x = left + r.first as f64 * sx;
        let y = top + off as f64 * sy;
        let rw = ((r.last - r.first + 1) as f64 * sx).max(1.0);
        let rh = (r.size as f64 * sy).max(0.5);
        let hue = (i * 47) % 360;
        let _ = writeln!(
            s,
            r#"<rect x="{x:.2}" y="{y:.2}" width="{rw:.2}" height="{rh:.2}" fill="hsl({hue},60%,70%)" stroke="black" stroke-width="0.3"><title>{} — {} B, steps {}..{}, offset {off}</title></rect>"#,
            escape(label),
            r.size,
            r.first,
            r.last
        );
        if rw > 60.0 && rh > 12.0 {
            let _ = writeln!(s, r#"<text x="{:.2}" y="{:.2}" font-size="9">{}</text>"#, x + 2.0, y + 10.0, escape(&shorten(label, (rw / 5.5) as usize)));
        }
    }
    let px = left + (peak_step as f64 + 0.5) * sx;
    let _ = writeln!(s, r#"<line x1="{px:.2}" y1="{top}" x2="{px:.2}" y2="{:.2}" stroke="red" stroke-width="1.5" stroke-dasharray="4 3"/>"#, h - 40.0);
    let _ = writeln!(s, r#"<text x="{:.2}" y="{:.2}" fill="red">peak (step {peak_step})</text>"#, px + 4.0, top + 12.0);
    let _ = writeln!(s, r#"<text x="{left}" y="{:.2}">step → ({steps} steps); offset ↓ (pool {total} B = {:.1} MiB)</text>"#, h - 15.0, total as f64 / 1048576.0);
    let _ = writeln!(s, "</svg>");
    s
}

fn shorten(s: &str, n: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= n {
        return s.to_string();
    }
    chars[chars.len().saturating_sub(n)..].iter().collect()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
