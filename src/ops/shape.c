/* shape.c - ops that move, cut, join or re-type data: reshape, concat, slicing,
 * transpose, tiling, padding, resizing, casts and constant makers. One record per op; see op.h. */
#include "op.h"

#include "../net/layer.h"

/* ---- high-level layers these ops become (src/net/layer.h) */
static const mxio__layer_rule flatten_rule = {"FlattenLayer", NULL, NULL};
static const mxio__layer_rule reshape_rule = {
    "ReshapeLayer", MXIO__OPTS({"Shape", "shape", NULL}, {"Reverse", "reverse", NULL}), NULL};
static const mxio__layer_rule concat_rule = {"CatenateLayer", MXIO__OPTS({"Axis", "dim", NULL}), NULL};
static const mxio__layer_rule upsampling_rule = {
    "ResizeLayer",
    MXIO__OPTS({"Method", "sample_type", "nearest=Nearest|bilinear=Bilinear"},
         {"Scale", "scale", NULL}),
    MXIO__ARGS({"Weights", "weight"})};
static const mxio__layer_rule bilinear_resize_rule = {
    "ResizeLayer",
    MXIO__OPTS({"Method", NULL, "\"Bilinear\""}, {"Height", "height", NULL}, {"Width", "width", NULL},
         {"ScaleHeight", "scale_height", NULL}, {"ScaleWidth", "scale_width", NULL},
         {"Mode", "mode", NULL}, {"AlignCorners", "align_corners", NULL}),
    NULL};
static const mxio__layer_rule pad_rule = {
    "PaddingLayer",
    MXIO__OPTS({"Mode", "mode", NULL}, {"PaddingSize", "pad_width", NULL},
         {"Value", "constant_value", NULL}),
    NULL};
static const mxio__layer_rule transpose_rule = {"TransposeLayer", MXIO__OPTS({"Axes", "axes", NULL}),
                                                NULL};
static const mxio__layer_rule slice_axis_rule = {
    "PartLayer", MXIO__OPTS({"Axis", "axis", NULL}, {"Begin", "begin", NULL}, {"End", "end", NULL}),
    NULL};
static const mxio__layer_rule slice_rule = {
    "PartLayer", MXIO__OPTS({"Begin", "begin", NULL}, {"End", "end", NULL}, {"Step", "step", NULL}),
    NULL};
static const mxio__layer_rule expand_dims_rule = {"ReplicateLayer", MXIO__OPTS({"Axis", "axis", NULL}),
                                                  NULL};

/* ---- Reshape */
static const mxio__attr_spec Reshape_params[] = {
    {"shape", MXIO__ATTR_SHAPE, "[]", NULL},
    {"reverse", MXIO__ATTR_BOOL, "False", NULL},
    {"target_shape", MXIO__ATTR_SHAPE, "[]", NULL},
    {"keep_highest", MXIO__ATTR_BOOL, "False", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const Reshape_inputs[] = {"data", NULL};

/* ---- Flatten */
static const char *const Flatten_inputs[] = {"data", NULL};

/* ---- Concat */
static const mxio__attr_spec Concat_params[] = {
    {"num_args", MXIO__ATTR_INT, NULL, NULL},
    {"dim", MXIO__ATTR_INT, "1", NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- transpose */
static const mxio__attr_spec transpose_params[] = {
    {"axes", MXIO__ATTR_SHAPE, "[]", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const transpose_inputs[] = {"data", NULL};

/* ---- SwapAxis */
static const mxio__attr_spec SwapAxis_params[] = {
    {"dim1", MXIO__ATTR_INT, "0", NULL},
    {"dim2", MXIO__ATTR_INT, "0", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const SwapAxis_inputs[] = {"data", NULL};

/* ---- expand_dims */
static const mxio__attr_spec expand_dims_params[] = {
    {"axis", MXIO__ATTR_INT, NULL, NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const expand_dims_inputs[] = {"data", NULL};

/* ---- squeeze */
static const mxio__attr_spec squeeze_params[] = {
    {"axis", MXIO__ATTR_SHAPE, "None", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const squeeze_inputs[] = {"data", NULL};

/* ---- SliceChannel */
static int split_outputs(const mxio__attrs *a, int *visible) {
    int64_t n = 1;
    if (!mxio__attr_int(a, "num_outputs", &n) || n < 1 || n > INT32_MAX) n = 1;
    if (visible) *visible = (int)n;
    return (int)n;
}
static const mxio__attr_spec SliceChannel_params[] = {
    {"num_outputs", MXIO__ATTR_INT, NULL, NULL},
    {"axis", MXIO__ATTR_INT, "1", NULL},
    {"squeeze_axis", MXIO__ATTR_BOOL, "False", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const SliceChannel_inputs[] = {"data", NULL};

/* ---- _split_v2 */
/* The Python wrapper stores indices with a leading 0 ((0, 3, 5) for three
 * parts); sections, when non-zero, wins. */
static int split_v2_outputs(const mxio__attrs *a, int *visible) {
    int64_t sections = 0, idx[MXIO__MAX_OP_INPUTS];
    int n = 1;
    mxio__attr_int(a, "sections", &sections);
    if (sections > 0 && sections <= INT32_MAX)
        n = (int)sections;
    else if (!mxio__attr_shape(a, "indices", idx, MXIO__MAX_OP_INPUTS, &n, NULL) || n < 1)
        n = 1;
    if (visible) *visible = n;
    return n;
}
static const mxio__attr_spec split_v2_params[] = {
    {"indices", MXIO__ATTR_SHAPE, NULL, NULL},
    {"axis", MXIO__ATTR_INT, "1", NULL},
    {"squeeze_axis", MXIO__ATTR_BOOL, "False", NULL},
    {"sections", MXIO__ATTR_INT, "0", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const split_v2_inputs[] = {"data", NULL};

/* ---- slice */
static const mxio__attr_spec slice_params[] = {
    {"begin", MXIO__ATTR_OPT_SHAPE, NULL, NULL},
    {"end", MXIO__ATTR_OPT_SHAPE, NULL, NULL},
    {"step", MXIO__ATTR_OPT_SHAPE, "[]", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const slice_inputs[] = {"data", NULL};

/* ---- slice_axis */
static const mxio__attr_spec slice_axis_params[] = {
    {"axis", MXIO__ATTR_INT, NULL, NULL},
    {"begin", MXIO__ATTR_INT, NULL, NULL},
    {"end", MXIO__ATTR_OPT_INT, NULL, NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const slice_axis_inputs[] = {"data", NULL};

/* ---- slice_like */
static const mxio__attr_spec slice_like_params[] = {
    {"axes", MXIO__ATTR_SHAPE, "[]", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const slice_like_inputs[] = {"data", "shape_like", NULL};

/* ---- tile */
static const mxio__attr_spec tile_params[] = {
    {"reps", MXIO__ATTR_SHAPE, NULL, NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const tile_inputs[] = {"data", NULL};

/* ---- repeat */
static const mxio__attr_spec repeat_params[] = {
    {"repeats", MXIO__ATTR_INT, NULL, NULL},
    {"axis", MXIO__ATTR_OPT_INT, "None", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const repeat_inputs[] = {"data", NULL};

/* ---- Pad */
static const mxio__attr_spec Pad_params[] = {
    {"mode", MXIO__ATTR_ENUM, NULL, "constant|edge|reflect"},
    {"pad_width", MXIO__ATTR_SHAPE, NULL, NULL},
    {"constant_value", MXIO__ATTR_FLOAT, "0", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const Pad_inputs[] = {"data", NULL};

/* ---- Crop */

static const mxio__attr_spec Crop_params[] = {
    {"num_args", MXIO__ATTR_INT, NULL, NULL},
    {"offset", MXIO__ATTR_SHAPE, "[0,0]", NULL},
    {"h_w", MXIO__ATTR_SHAPE, "[0,0]", NULL},
    {"center_crop", MXIO__ATTR_BOOL, "False", NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- UpSampling */
/* nearest: num_args data inputs; bilinear: data and a deconvolution weight. */
static int upsampling_inputs(const mxio__attrs *a, const char **names, int cap) {
    const char *t = mxio__attr_str(a, "sample_type");
    if (t && strcmp(t, "bilinear") == 0) {
        if (cap < 2) return -1;
        names[0] = "data";
        names[1] = "weight";
        return 2;
    }
    return mxio__inputs_num_args(a, names, cap);
}

static void upsampling_masks(const mxio__attrs *a, uint32_t *weight, uint32_t *aux, uint32_t *label) {
    const char *t = mxio__attr_str(a, "sample_type");
    *weight = t && strcmp(t, "bilinear") == 0 ? 1u << 1 : 0;
    *aux = *label = 0;
}
static const mxio__var_attr upsampling_compose[] = {
    {1, "__init__", "[\"bilinear\", {}]"},
    {-1, NULL, NULL},
};
static const mxio__attr_spec UpSampling_params[] = {
    {"scale", MXIO__ATTR_INT, NULL, NULL},
    {"num_filter", MXIO__ATTR_INT, "0", NULL},
    {"sample_type", MXIO__ATTR_ENUM, NULL, "bilinear|nearest"},
    {"multi_input_mode", MXIO__ATTR_ENUM, "concat", "concat|sum"},
    {"num_args", MXIO__ATTR_INT, NULL, NULL},
    {"workspace", MXIO__ATTR_INT, "512", NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- _contrib_BilinearResize2D */
static int resize_inputs(const mxio__attrs *a, const char **names, int cap) {
    const char *m = mxio__attr_str(a, "mode");
    int n = m && strcmp(m, "like") == 0 ? 2 : 1;
    if (cap < n) return -1;
    names[0] = "data";
    if (n == 2) names[1] = "like";
    return n;
}
static const mxio__attr_spec contrib_BilinearResize2D_params[] = {
    {"height", MXIO__ATTR_INT, "1", NULL},
    {"width", MXIO__ATTR_INT, "1", NULL},
    {"scale_height", MXIO__ATTR_OPT_FLOAT, "None", NULL},
    {"scale_width", MXIO__ATTR_OPT_FLOAT, "None", NULL},
    {"mode", MXIO__ATTR_ENUM, "size", "like|odd_scale|size|to_even_down|to_even_up|to_odd_down|to_odd_up"},
    {"align_corners", MXIO__ATTR_BOOL, "True", NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- Cast */
static const mxio__attr_spec Cast_params[] = {
    {"dtype", MXIO__ATTR_ENUM, NULL, "bfloat16|bool|float16|float32|float64|int32|int64|int8|uint8"},
    {NULL, 0, NULL, NULL},
};
static const char *const Cast_inputs[] = {"data", NULL};

/* ---- amp_cast */
static const mxio__attr_spec amp_cast_params[] = {
    {"dtype", MXIO__ATTR_ENUM, NULL, "bfloat16|float16|float32|float64|int32|int64|int8|uint8"},
    {NULL, 0, NULL, NULL},
};
static const char *const amp_cast_inputs[] = {"data", NULL};

/* ---- amp_multicast */
static const char *const amp_data_names[MXIO__MAX_OP_INPUTS] = {
#define D(i) "data_" #i
    D(0), D(1), D(2), D(3), D(4), D(5), D(6), D(7), D(8), D(9), D(10), D(11), D(12), D(13),
    D(14), D(15), D(16), D(17), D(18), D(19), D(20), D(21), D(22), D(23), D(24), D(25), D(26),
    D(27), D(28), D(29), D(30), D(31), D(32), D(33), D(34), D(35), D(36), D(37), D(38), D(39),
    D(40), D(41), D(42), D(43), D(44), D(45), D(46), D(47), D(48), D(49), D(50), D(51), D(52),
    D(53), D(54), D(55), D(56), D(57), D(58), D(59), D(60), D(61), D(62), D(63)
#undef D
};

static int amp_multicast_count(const mxio__attrs *a) {
    int64_t n = 0;
    if (!mxio__attr_int(a, "num_outputs", &n) || n < 1 || n > MXIO__MAX_OP_INPUTS) return -1;
    return (int)n;
}

static int amp_multicast_inputs(const mxio__attrs *a, const char **names, int cap) {
    int n = amp_multicast_count(a);
    if (n < 0 || n > cap) return -1;
    for (int i = 0; i < n; i++) names[i] = amp_data_names[i];
    return n;
}

static int amp_multicast_outputs(const mxio__attrs *a, int *visible) {
    int n = amp_multicast_count(a);
    if (n < 1) n = 1;
    if (visible) *visible = n;
    return n;
}
static const mxio__attr_spec amp_multicast_params[] = {
    {"num_outputs", MXIO__ATTR_INT, NULL, NULL},
    {"cast_narrow", MXIO__ATTR_BOOL, "False", NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- stack */
static const mxio__attr_spec stack_params[] = {
    {"axis", MXIO__ATTR_INT, "0", NULL},
    {"num_args", MXIO__ATTR_INT, NULL, NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- broadcast_to */
static const mxio__attr_spec broadcast_to_params[] = {
    {"shape", MXIO__ATTR_SHAPE, "[]", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const broadcast_to_inputs[] = {"data", NULL};

/* ---- broadcast_like */
static const mxio__attr_spec broadcast_like_params[] = {
    {"lhs_axes", MXIO__ATTR_SHAPE, "None", NULL},
    {"rhs_axes", MXIO__ATTR_SHAPE, "None", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const broadcast_like_inputs[] = {"lhs", "rhs", NULL};

/* ---- broadcast_axis */
static const mxio__attr_spec broadcast_axis_params[] = {
    {"axis", MXIO__ATTR_SHAPE, "[]", NULL},
    {"size", MXIO__ATTR_SHAPE, "[]", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const broadcast_axis_inputs[] = {"data", NULL};

/* ---- reshape_like */
static const mxio__attr_spec reshape_like_params[] = {
    {"lhs_begin", MXIO__ATTR_OPT_INT, "None", NULL},
    {"lhs_end", MXIO__ATTR_OPT_INT, "None", NULL},
    {"rhs_begin", MXIO__ATTR_OPT_INT, "None", NULL},
    {"rhs_end", MXIO__ATTR_OPT_INT, "None", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const reshape_like_inputs[] = {"lhs", "rhs", NULL};

/* ---- depth_to_space */
static const mxio__attr_spec depth_to_space_params[] = {
    {"block_size", MXIO__ATTR_INT, NULL, NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const depth_to_space_inputs[] = {"data", NULL};

/* ---- space_to_depth */
static const mxio__attr_spec space_to_depth_params[] = {
    {"block_size", MXIO__ATTR_INT, NULL, NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const space_to_depth_inputs[] = {"data", NULL};

/* ---- shape_array */
static const char *const shape_array_inputs[] = {"data", NULL};

/* ---- size_array */
static const char *const size_array_inputs[] = {"data", NULL};

/* ---- take */
static const mxio__attr_spec take_params[] = {
    {"axis", MXIO__ATTR_INT, "0", NULL},
    {"mode", MXIO__ATTR_ENUM, "clip", "clip|raise|wrap"},
    {NULL, 0, NULL, NULL},
};
static const char *const take_inputs[] = {"a", "indices", NULL};

/* ---- gather_nd */
static const char *const gather_nd_inputs[] = {"data", "indices", NULL};

/* ---- pick */
static const mxio__attr_spec pick_params[] = {
    {"axis", MXIO__ATTR_OPT_INT, "-1", NULL},
    {"keepdims", MXIO__ATTR_BOOL, "False", NULL},
    {"mode", MXIO__ATTR_ENUM, "clip", "clip|wrap"},
    {NULL, 0, NULL, NULL},
};
static const char *const pick_inputs[] = {"data", "index", NULL};

/* ---- one_hot */
static const mxio__attr_spec one_hot_params[] = {
    {"depth", MXIO__ATTR_INT, NULL, NULL},
    {"on_value", MXIO__ATTR_FLOAT, "1", NULL},
    {"off_value", MXIO__ATTR_FLOAT, "0", NULL},
    {"dtype", MXIO__ATTR_ENUM, "float32", "bfloat16|float16|float32|float64|int32|int64|int8|uint8"},
    {NULL, 0, NULL, NULL},
};
static const char *const one_hot_inputs[] = {"indices", NULL};

/* ---- _rnn_param_concat */
static const mxio__attr_spec rnn_param_concat_params[] = {
    {"num_args", MXIO__ATTR_INT, NULL, NULL},
    {"dim", MXIO__ATTR_INT, "1", NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- _arange */
static const mxio__attr_spec arange_params[] = {
    {"start", MXIO__ATTR_FLOAT, NULL, NULL},
    {"stop", MXIO__ATTR_OPT_FLOAT, "None", NULL},
    {"step", MXIO__ATTR_FLOAT, "1", NULL},
    {"repeat", MXIO__ATTR_INT, "1", NULL},
    {"infer_range", MXIO__ATTR_BOOL, "False", NULL},
    {"ctx", MXIO__ATTR_STRING, "", NULL},
    {"dtype", MXIO__ATTR_ENUM, "float32", "bfloat16|float16|float32|float64|int32|int64|int8|uint8"},
    {NULL, 0, NULL, NULL},
};

/* ---- _contrib_arange_like */
static const mxio__attr_spec contrib_arange_like_params[] = {
    {"start", MXIO__ATTR_FLOAT, "0", NULL},
    {"step", MXIO__ATTR_FLOAT, "1", NULL},
    {"repeat", MXIO__ATTR_INT, "1", NULL},
    {"ctx", MXIO__ATTR_STRING, "", NULL},
    {"axis", MXIO__ATTR_OPT_INT, "None", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const contrib_arange_like_inputs[] = {"data", NULL};

/* ---- _zeros */
static const mxio__attr_spec zeros_params[] = {
    {"shape", MXIO__ATTR_SHAPE, "[]", NULL},
    {"ctx", MXIO__ATTR_STRING, "", NULL},
    {"dtype", MXIO__ATTR_ENUM, "float32", "bfloat16|bool|float16|float32|float64|int32|int64|int8|uint8"},
    {NULL, 0, NULL, NULL},
};

/* ---- _ones */
static const mxio__attr_spec ones_params[] = {
    {"shape", MXIO__ATTR_SHAPE, "[]", NULL},
    {"ctx", MXIO__ATTR_STRING, "", NULL},
    {"dtype", MXIO__ATTR_ENUM, "float32", "bfloat16|bool|float16|float32|float64|int32|int64|int8|uint8"},
    {NULL, 0, NULL, NULL},
};

/* ---- _full */
static const mxio__attr_spec full_params[] = {
    {"shape", MXIO__ATTR_SHAPE, "None", NULL},
    {"ctx", MXIO__ATTR_STRING, "", NULL},
    {"dtype", MXIO__ATTR_ENUM, "float32", "bfloat16|bool|float16|float32|float64|int32|int64|int8|uint8"},
    {"value", MXIO__ATTR_FLOAT, NULL, NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- SequenceMask */
static const mxio__attr_spec SequenceMask_params[] = {
    {"use_sequence_length", MXIO__ATTR_BOOL, "False", NULL},
    {"value", MXIO__ATTR_FLOAT, "0", NULL},
    {"axis", MXIO__ATTR_INT, "0", NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- SequenceLast */
static const mxio__attr_spec SequenceLast_params[] = {
    {"use_sequence_length", MXIO__ATTR_BOOL, "False", NULL},
    {"axis", MXIO__ATTR_INT, "0", NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- SequenceReverse */
static const mxio__attr_spec SequenceReverse_params[] = {
    {"use_sequence_length", MXIO__ATTR_BOOL, "False", NULL},
    {"axis", MXIO__ATTR_INT, "0", NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- _contrib_quantized_flatten */
static const char *const contrib_quantized_flatten_inputs[] = {"data", "min_data", "max_data", NULL};

/* ---- _contrib_quantized_concat */
/* arg0..argN-1, then arg<i>_min, arg<i>_max per input (quantized_concat.cc). */
static const char *const qconcat_range_names[][2] = {
#define R(i) {"arg" #i "_min", "arg" #i "_max"}
    R(0),  R(1),  R(2),  R(3),  R(4),  R(5),  R(6),  R(7),  R(8),  R(9),  R(10),
    R(11), R(12), R(13), R(14), R(15), R(16), R(17), R(18), R(19), R(20),
#undef R
};

static int qconcat_inputs(const mxio__attrs *a, const char **names, int cap) {
    int64_t n = 0;
    if (!mxio__attr_int(a, "num_args", &n) || n < 0 ||
        n > (int64_t)(sizeof qconcat_range_names / sizeof *qconcat_range_names) || 3 * n > cap)
        return -1;
    for (int64_t i = 0; i < n; i++) {
        names[i] = mxio__arg_names[i];
        names[n + 2 * i] = qconcat_range_names[i][0];
        names[n + 2 * i + 1] = qconcat_range_names[i][1];
    }
    return (int)(3 * n);
}
static const mxio__attr_spec contrib_quantized_concat_params[] = {
    {"num_args", MXIO__ATTR_INT, NULL, NULL},
    {"dim", MXIO__ATTR_INT, "1", NULL},
    {NULL, 0, NULL, NULL},
};

const mxio__op mxio__ops_shape[] = {
    {.name = "Reshape",
     .layer = &reshape_rule,
     .kind = MXIO__KIND_SHAPE,
     .aliases = (const char *const[]){"reshape", NULL},
     .params = Reshape_params,
     .inputs = Reshape_inputs},
    {.name = "Flatten",
     .layer = &flatten_rule,
     .kind = MXIO__KIND_SHAPE,
     .aliases = (const char *const[]){"_npx_batch_flatten", "flatten", NULL},
     .inputs = Flatten_inputs},
    {.name = "Concat",
     .layer = &concat_rule,
     .kind = MXIO__KIND_SHAPE,
     .aliases = (const char *const[]){"_sparse_concat", "concat", NULL},
     .params = Concat_params,
     .list_inputs = mxio__inputs_num_args},
    {.name = "transpose",
     .layer = &transpose_rule,
     .kind = MXIO__KIND_SHAPE,
     .params = transpose_params,
     .inputs = transpose_inputs},
    {.name = "SwapAxis",
     .kind = MXIO__KIND_SHAPE,
     .aliases = (const char *const[]){"_npi_swapaxes", "swapaxes", NULL},
     .params = SwapAxis_params,
     .inputs = SwapAxis_inputs},
    {.name = "expand_dims",
     .layer = &expand_dims_rule,
     .kind = MXIO__KIND_SHAPE,
     .aliases = (const char *const[]){"_npi_expand_dims", NULL},
     .params = expand_dims_params,
     .inputs = expand_dims_inputs},
    {.name = "squeeze",
     .kind = MXIO__KIND_SHAPE,
     .params = squeeze_params,
     .inputs = squeeze_inputs},
    {.name = "SliceChannel",
     .kind = MXIO__KIND_SHAPE,
     .aliases = (const char *const[]){"split", NULL},
     .params = SliceChannel_params,
     .inputs = SliceChannel_inputs,
     .count_outputs = split_outputs,
     .output_names = mxio__indexed_output_names},
    {.name = "_split_v2",
     .kind = MXIO__KIND_SHAPE,
     .aliases = (const char *const[]){"_npi_split", NULL},
     .params = split_v2_params,
     .inputs = split_v2_inputs,
     .count_outputs = split_v2_outputs},
    {.name = "slice",
     .layer = &slice_rule,
     .kind = MXIO__KIND_SHAPE,
     .aliases = (const char *const[]){"_npi_slice", "_npx_slice", "_sparse_slice", "crop", NULL},
     .params = slice_params,
     .inputs = slice_inputs},
    {.name = "slice_axis",
     .layer = &slice_axis_rule,
     .kind = MXIO__KIND_SHAPE,
     .params = slice_axis_params,
     .inputs = slice_axis_inputs},
    {.name = "slice_like",
     .kind = MXIO__KIND_SHAPE,
     .params = slice_like_params,
     .inputs = slice_like_inputs},
    {.name = "tile",
     .kind = MXIO__KIND_SHAPE,
     .aliases = (const char *const[]){"_npi_tile", NULL},
     .params = tile_params,
     .inputs = tile_inputs},
    {.name = "repeat",
     .kind = MXIO__KIND_SHAPE,
     .aliases = (const char *const[]){"_np_repeat", NULL},
     .params = repeat_params,
     .inputs = repeat_inputs},
    {.name = "Pad",
     .layer = &pad_rule,
     .kind = MXIO__KIND_SHAPE,
     .aliases = (const char *const[]){"pad", NULL},
     .params = Pad_params,
     .inputs = Pad_inputs},
    {.name = "Crop",
     .kind = MXIO__KIND_SHAPE,
     .params = Crop_params,
     .list_inputs = mxio__inputs_num_args},
    {.name = "UpSampling",
     .layer = &upsampling_rule,
     .kind = MXIO__KIND_SHAPE,
     .params = UpSampling_params,
     .list_inputs = upsampling_inputs,
     .input_masks = upsampling_masks,
     .compose_attrs = upsampling_compose},
    {.name = "_contrib_BilinearResize2D",
     .layer = &bilinear_resize_rule,
     .kind = MXIO__KIND_SHAPE,
     .params = contrib_BilinearResize2D_params,
     .list_inputs = resize_inputs},
    {.name = "Cast",
     .kind = MXIO__KIND_SHAPE,
     .aliases = (const char *const[]){"_npi_cast", "_npx_cast", "cast", NULL},
     .params = Cast_params,
     .inputs = Cast_inputs},
    {.name = "amp_cast",
     .kind = MXIO__KIND_SHAPE,
     .params = amp_cast_params,
     .inputs = amp_cast_inputs},
    {.name = "amp_multicast",
     .kind = MXIO__KIND_SHAPE,
     .params = amp_multicast_params,
     .list_inputs = amp_multicast_inputs,
     .count_outputs = amp_multicast_outputs},
    {.name = "stack",
     .kind = MXIO__KIND_SHAPE,
     .params = stack_params,
     .list_inputs = mxio__inputs_num_args},
    {.name = "broadcast_to",
     .kind = MXIO__KIND_SHAPE,
     .params = broadcast_to_params,
     .inputs = broadcast_to_inputs},
    {.name = "broadcast_like",
     .kind = MXIO__KIND_SHAPE,
     .params = broadcast_like_params,
     .inputs = broadcast_like_inputs},
    {.name = "broadcast_axis",
     .kind = MXIO__KIND_SHAPE,
     .aliases = (const char *const[]){"broadcast_axes", NULL},
     .params = broadcast_axis_params,
     .inputs = broadcast_axis_inputs},
    {.name = "reshape_like",
     .kind = MXIO__KIND_SHAPE,
     .aliases = (const char *const[]){"_npx_reshape_like", NULL},
     .params = reshape_like_params,
     .inputs = reshape_like_inputs},
    {.name = "depth_to_space",
     .kind = MXIO__KIND_SHAPE,
     .params = depth_to_space_params,
     .inputs = depth_to_space_inputs},
    {.name = "space_to_depth",
     .kind = MXIO__KIND_SHAPE,
     .params = space_to_depth_params,
     .inputs = space_to_depth_inputs},
    {.name = "shape_array",
     .kind = MXIO__KIND_SHAPE,
     .aliases = (const char *const[]){"_npx_shape_array", NULL},
     .inputs = shape_array_inputs},
    {.name = "size_array",
     .kind = MXIO__KIND_SHAPE,
     .inputs = size_array_inputs},
    {.name = "take",
     .kind = MXIO__KIND_SHAPE,
     .aliases = (const char *const[]){"_npi_take", NULL},
     .params = take_params,
     .inputs = take_inputs},
    {.name = "gather_nd",
     .kind = MXIO__KIND_SHAPE,
     .aliases = (const char *const[]){"_npi_gather_nd", "_npx_gather_nd", NULL},
     .inputs = gather_nd_inputs},
    {.name = "pick",
     .kind = MXIO__KIND_SHAPE,
     .aliases = (const char *const[]){"_npx_pick", "choose_element_0index", NULL},
     .params = pick_params,
     .inputs = pick_inputs},
    {.name = "one_hot",
     .kind = MXIO__KIND_SHAPE,
     .aliases = (const char *const[]){"_npx_one_hot", NULL},
     .params = one_hot_params,
     .inputs = one_hot_inputs},
    {.name = "_rnn_param_concat",
     .kind = MXIO__KIND_SHAPE,
     .aliases = (const char *const[]){"_npi_rnn_param_concat", NULL},
     .params = rnn_param_concat_params,
     .list_inputs = mxio__inputs_num_args},
    {.name = "_arange",
     .kind = MXIO__KIND_SHAPE,
     .params = arange_params},
    {.name = "_contrib_arange_like",
     .kind = MXIO__KIND_SHAPE,
     .aliases = (const char *const[]){"_npx_arange_like", NULL},
     .params = contrib_arange_like_params,
     .inputs = contrib_arange_like_inputs},
    {.name = "_zeros",
     .kind = MXIO__KIND_SHAPE,
     .params = zeros_params},
    {.name = "_ones",
     .kind = MXIO__KIND_SHAPE,
     .params = ones_params},
    {.name = "_full",
     .kind = MXIO__KIND_SHAPE,
     .aliases = (const char *const[]){"_npi_full", NULL},
     .params = full_params},
    {.name = "SequenceMask",
     .kind = MXIO__KIND_SHAPE,
     .aliases = (const char *const[]){"_npx_sequence_mask", NULL},
     .params = SequenceMask_params,
     .list_inputs = mxio__inputs_sequence_length},
    {.name = "SequenceLast",
     .kind = MXIO__KIND_SHAPE,
     .params = SequenceLast_params,
     .list_inputs = mxio__inputs_sequence_length},
    {.name = "SequenceReverse",
     .kind = MXIO__KIND_SHAPE,
     .params = SequenceReverse_params,
     .list_inputs = mxio__inputs_sequence_length},
    {.name = "_contrib_quantized_flatten",
     .kind = MXIO__KIND_SHAPE,
     .inputs = contrib_quantized_flatten_inputs,
     .num_outputs = 3,
     .output_names = mxio__quantized_output_names},
    {.name = "_contrib_quantized_concat",
     .kind = MXIO__KIND_SHAPE,
     .params = contrib_quantized_concat_params,
     .list_inputs = qconcat_inputs,
     .num_outputs = 3,
     .output_names = mxio__quantized_output_names},
    {0},
};
