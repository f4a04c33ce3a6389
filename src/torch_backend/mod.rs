//! The libtorch edge (feature `torch`): the only module that names `tch`.
//!
//! It picks the compute device (CUDA when usable, CPU otherwise) and reports what libtorch can
//! do on this machine. The neural generators and the avatar renderer build on it.

use thiserror::Error;

/// libtorch version this build links against (from the wheel's `version.py`, read by build.rs).
pub const LIBTORCH_VERSION: &str = env!("DANCEBOT_LIBTORCH_VERSION");

/// libtorch could not run a basic operation.
#[derive(Debug, Error)]
pub enum TorchError {
    /// A tensor operation failed (libtorch missing pieces, out of memory, driver mismatch).
    #[error("libtorch self-test failed on {device}: {message}")]
    SelfTest { device: String, message: String },
}

/// What libtorch offers on this machine.
#[derive(Debug, Clone, PartialEq)]
pub struct TorchInfo {
    /// Version string of the linked libtorch, e.g. `2.11.0+cu130`.
    pub version: String,
    /// Whether CUDA is usable (driver and device present).
    pub cuda_available: bool,
    /// Number of CUDA devices.
    pub cuda_device_count: usize,
    /// Whether cuDNN is usable.
    pub cudnn_available: bool,
    /// Intra-op CPU threads libtorch uses.
    pub cpu_threads: i32,
}

/// Which device to run networks on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DevicePreference {
    /// CUDA if available, else CPU.
    Auto,
    /// Always the CPU.
    Cpu,
    /// CUDA device `n`; an error if absent.
    Cuda(usize),
}

/// Resolves a preference into a tch device.
pub fn select_device(pref: DevicePreference) -> tch::Device {
    match pref {
        DevicePreference::Auto => tch::Device::cuda_if_available(),
        DevicePreference::Cpu => tch::Device::Cpu,
        DevicePreference::Cuda(n) => tch::Device::Cuda(n),
    }
}

/// Queries libtorch and runs a small matrix product on the CPU (and on CUDA when present), so
/// a broken install shows up here rather than in the middle of a show.
pub fn probe() -> Result<TorchInfo, TorchError> {
    let cuda_available = tch::Cuda::is_available();
    self_test(tch::Device::Cpu)?;
    if cuda_available {
        self_test(tch::Device::Cuda(0))?;
    }
    Ok(TorchInfo {
        version: LIBTORCH_VERSION.to_owned(),
        cuda_available,
        cuda_device_count: usize::try_from(tch::Cuda::device_count()).unwrap_or(0),
        cudnn_available: tch::Cuda::cudnn_is_available(),
        cpu_threads: tch::get_num_threads(),
    })
}

fn self_test(device: tch::Device) -> Result<(), TorchError> {
    let fail = |e: tch::TchError| TorchError::SelfTest {
        device: format!("{device:?}"),
        message: e.to_string(),
    };
    let a = tch::Tensor::f_ones([4, 4], (tch::Kind::Float, device)).map_err(fail)?;
    let product = a.f_matmul(&a).map_err(fail)?;
    let total = product
        .f_sum(tch::Kind::Float)
        .map_err(fail)?
        .f_double_value(&[])
        .map_err(fail)?;
    if (total - 64.0).abs() > 1e-6 {
        return Err(TorchError::SelfTest {
            device: format!("{device:?}"),
            message: format!("4x4 ones matmul summed to {total}, expected 64"),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_runs_on_cpu_and_reports_the_linked_version() {
        let info = probe().unwrap();
        assert!(info.version.starts_with("2.11.0"), "{}", info.version);
        assert!(info.cpu_threads >= 1);
        assert_eq!(select_device(DevicePreference::Cpu), tch::Device::Cpu);
    }
}
