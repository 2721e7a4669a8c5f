//! Texture pools: tensors stored as 2D images share image objects by lifetime, the way
//! buffer tensors share offsets in one pool. DESIGN.md: "Textures are pooled by shape
//! (shared objects)"; TFLite GPU does the same for its texture objects
//! (`common/memory_management/greedy_by_size_assignment.h`, shared-object assignment,
//! and `equality_assignment.h` for objects that must match exactly).
//!
//! A tensor's texel coordinates depend only on its own width and height (compile-time
//! constants in its accessors), so it can live in any image at least that wide and tall
//! with its texel type. Greedy by size, as TFLite's GREEDY_BY_SIZE for 2D objects:
//! - take the objects largest first (by texel count; ties by first step, then input order);
//! - give each the smallest existing image of its texel type that is at least as wide and
//!   as tall and whose users are all dead before it starts or born after it ends;
//! - otherwise create an image of exactly its size.
//!
//! Lifetimes are inclusive: an object never shares with one live at the same step, so a
//! kernel never reads and writes one image.

use runtime_min::bundle::ElemType;

/// One image-sized object that needs an image from step `first` to `last`, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextureRecord {
    pub width: u32,
    pub height: u32,
    pub elem: ElemType,
    pub first: usize,
    pub last: usize,
}

/// Images to create and, per record (same order), the image it uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextureAssignment {
    /// (width, height, texel type) of each image.
    pub images: Vec<(u32, u32, ElemType)>,
    pub image_of: Vec<usize>,
}

pub fn assign(records: &[TextureRecord]) -> TextureAssignment {
    let area = |r: &TextureRecord| u64::from(r.width) * u64::from(r.height);
    let mut idx: Vec<usize> = (0..records.len()).collect();
    idx.sort_by_key(|&i| (std::cmp::Reverse(area(&records[i])), records[i].first, i));
    let mut images: Vec<(u32, u32, ElemType)> = Vec::new();
    // Lifetimes (first, last) of each image's users.
    let mut users: Vec<Vec<(usize, usize)>> = Vec::new();
    let mut image_of = vec![0usize; records.len()];
    for i in idx {
        let Some(r) = records.get(i) else { continue };
        let fits = |k: usize| {
            let (w, h, e) = images[k];
            e == r.elem && w >= r.width && h >= r.height && users[k].iter().all(|&(f, l)| l < r.first || r.last < f)
        };
        let best = (0..images.len()).filter(|&k| fits(k)).min_by_key(|&k| (u64::from(images[k].0) * u64::from(images[k].1), k));
        let k = match best {
            Some(k) => k,
            None => {
                images.push((r.width, r.height, r.elem));
                users.push(Vec::new());
                images.len() - 1
            }
        };
        if let Some(u) = users.get_mut(k) {
            u.push((r.first, r.last));
        }
        if let Some(slot) = image_of.get_mut(i) {
            *slot = k;
        }
    }
    TextureAssignment { images, image_of }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(width: u32, height: u32, first: usize, last: usize) -> TextureRecord {
        TextureRecord { width, height, elem: ElemType::F32, first, last }
    }

    #[test]
    fn disjoint_lifetimes_share_an_image_big_enough() {
        // a: 0..1 (8x4), b: 1..2 (8x4, live with a at step 1), c: 2..3 (4x2, fits in a's image).
        let a = assign(&[rec(8, 4, 0, 1), rec(8, 4, 1, 2), rec(4, 2, 2, 3)]);
        assert_eq!(a.images, vec![(8, 4, ElemType::F32), (8, 4, ElemType::F32)]);
        assert_eq!(a.image_of, vec![0, 1, 0]);
    }

    #[test]
    fn an_image_must_be_as_wide_and_as_tall() {
        // 8x5 is larger than 8x4 in area but not inside it, and 4x8 is not either.
        let a = assign(&[rec(8, 4, 0, 0), rec(8, 5, 1, 1), rec(4, 8, 2, 2)]);
        assert_eq!(a.images.len(), 2, "{a:?}");
        assert_eq!(a.image_of[0], a.image_of[1], "8x4 fits in 8x5");
        let f16 = TextureRecord { elem: ElemType::F16, ..rec(8, 4, 3, 3) };
        let b = assign(&[rec(8, 4, 0, 0), f16]);
        assert_eq!(b.image_of, vec![0, 1], "texel types never mix");
    }

    #[test]
    fn the_smallest_fitting_image_is_chosen() {
        // Two images (16x16 and 8x8) free at step 5; a 6x6 object takes the 8x8 one.
        let a = assign(&[rec(16, 16, 0, 1), rec(8, 8, 0, 1), rec(6, 6, 5, 6)]);
        assert_eq!(a.image_of, vec![0, 1, 1]);
        // Live with everything: a new image.
        let b = assign(&[rec(2, 2, 0, 9), rec(2, 2, 5, 6)]);
        assert_eq!(b.image_of, vec![0, 1]);
    }
}
