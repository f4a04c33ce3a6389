//! Separating a commanded pose that collides: the arms pushed apart, as during retargeting,
//! but without the blend back (there is no "last collision-free pose" for a pose that time
//! parameterization made). The caller ([`crate::app::robot`]) uses it to repair frames that
//! smoothing and limiting pulled through the body, then parameterizes again.

use super::eval::base_for;
use super::frame::RetargetState;
use super::retargeter::Retargeter;
use crate::safety::repair::PoseCheck;

impl Retargeter {
    /// Checks the commanded pose `commanded` (the trajectory's joints, others at home) and, if
    /// it collides, pushes the arms apart for at most `iterations` steps, writing the result
    /// back. `state` only lends its buffers.
    pub fn separate(
        &self,
        state: &mut RetargetState,
        commanded: &mut [f64],
        iterations: usize,
    ) -> PoseCheck {
        let Some(model) = &self.collision else {
            return PoseCheck::Free;
        };
        state.q.copy_from_slice(&self.bound.home);
        for (&d, &v) in self.bound.commanded.iter().zip(commanded.iter()) {
            state.q[d] = v;
        }
        state.base = base_for(self, &mut state.ws.kin, &state.q);
        if !self.find_contacts(model, state) {
            return PoseCheck::Free;
        }
        let mut free = false;
        for _ in 0..iterations {
            self.push_step(model, state);
            if !self.find_contacts(model, state) {
                free = true;
                break;
            }
        }
        for (&d, v) in self.bound.commanded.iter().zip(commanded.iter_mut()) {
            *v = state.q[d];
        }
        if free {
            PoseCheck::Separated
        } else {
            PoseCheck::Stuck
        }
    }
}
