//! Texture pools: tensors stored as 2D images share image objects by lifetime, the way
//! buffer tensors share offsets in one pool. DESIGN.md: "Textures are pooled by shape
//! (shared objects)"; TFLite GPU does the same for its texture objects
//! (`common/memory_management/greedy_by_size_assignment.h`, shared-object assignment,
//! and `equality_assignment.h` for objects that must match exactly).
//!
//! An image can only be reused by an object of exactly its geometry (width, height, texel
//! type), so the assignment is per geometry:
//! - take the objects in order of their first step (ties by input order);
//! - give each the existing image of equal geometry whose last user ended earliest, if
//!   that user's last step is before this object's first step;
//! - otherwise create a new image.
//!
//! For intervals of one geometry this greedy uses the fewest images possible (interval
//! partitioning). Lifetimes are inclusive: an object never shares with one live at the
//! same step, so a kernel never reads and writes one image.

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
    let mut idx: Vec<usize> = (0..records.len()).collect();
    idx.sort_by_key(|&i| (records[i].first, i));
    let mut images: Vec<(u32, u32, ElemType)> = Vec::new();
    // Last step of the current user of each image.
    let mut busy_until: Vec<usize> = Vec::new();
    let mut image_of = vec![0usize; records.len()];
    for i in idx {
        let r = records[i];
        let geom = (r.width, r.height, r.elem);
        let free = images
            .iter()
            .zip(&busy_until)
            .enumerate()
            .filter(|(_, (g, &until))| **g == geom && until < r.first)
            .min_by_key(|(k, (_, &until))| (until, *k))
            .map(|(k, _)| k);
        let k = match free {
            Some(k) => k,
            None => {
                images.push(geom);
                busy_until.push(0);
                images.len() - 1
            }
        };
        if let Some(u) = busy_until.get_mut(k) {
            *u = r.last;
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
    fn equal_geometry_with_disjoint_lifetimes_shares() {
        // a: 0..1, b: 1..2 (live with a at step 1), c: 2..3 (after a): a and c share.
        let a = assign(&[rec(8, 4, 0, 1), rec(8, 4, 1, 2), rec(8, 4, 2, 3)]);
        assert_eq!(a.images.len(), 2);
        assert_eq!(a.image_of, vec![0, 1, 0]);
    }

    #[test]
    fn different_geometry_never_shares() {
        let a = assign(&[rec(8, 4, 0, 0), rec(8, 5, 1, 1), rec(4, 8, 2, 2)]);
        assert_eq!(a.images.len(), 3);
        let f16 = TextureRecord { elem: ElemType::F16, ..rec(8, 4, 3, 3) };
        let b = assign(&[rec(8, 4, 0, 0), f16]);
        assert_eq!(b.image_of, vec![0, 1]);
    }

    #[test]
    fn records_out_of_order_are_taken_by_first_step() {
        let a = assign(&[rec(2, 2, 5, 6), rec(2, 2, 0, 1), rec(2, 2, 2, 4)]);
        assert_eq!(a.images.len(), 1);
        assert_eq!(a.image_of, vec![0, 0, 0]);
    }
}
