//! The ONNX model: config, runtime loading, inference backend.
