# The render test writes its photos and reads back the PNGs render_save_png
# writes with SDL2_image (the firmware itself does not link it).
nk_unit_test(render)
target_link_libraries(test_render PRIVATE SDL2_image::SDL2_image)
