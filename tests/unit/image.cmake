# The image test makes its JPEG, PNG and WebP inputs with the encoders.
nk_unit_test(image)
target_link_libraries(test_image PRIVATE PkgConfig::JPEG PkgConfig::PNG PkgConfig::WEBP)
