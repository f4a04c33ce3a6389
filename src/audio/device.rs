//! Live capture through cpal (in progress).

/// Names of the capture devices the default host offers.
pub fn list_input_devices() -> Result<Vec<String>, super::AudioError> {
    Err(super::AudioError::Device(
        "device listing is not built yet".into(),
    ))
}
