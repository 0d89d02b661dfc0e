"""Shape rules against MXNet 1.9.1's infer_shape, op by op and attribute variant
by attribute variant: every argument, auxiliary state and visible output shape
mxio infers from the data shapes must equal MXNet's, and where MXNet refuses the
shapes mxio must refuse them too."""
import json
import pathlib
import sys

import mxnet as mx
import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import mxnet_ops_oracle as oracle  # noqa: E402

D4 = (2, 3, 17, 19)

# (op, attrs, {input name: shape})
CASES = [
    # Convolution: padding, stride, dilation, groups, 1-D/3-D, no_bias, NHWC-free
    ("Convolution", {"kernel": (3, 3), "num_filter": 8}, {"data": D4}),
    ("Convolution", {"kernel": (3, 3), "num_filter": 8, "pad": (1, 1), "stride": (2, 2)}, {"data": D4}),
    ("Convolution", {"kernel": (3, 5), "num_filter": 6, "dilate": (2, 3), "pad": (2, 1)}, {"data": D4}),
    ("Convolution", {"kernel": (3, 3), "num_filter": 6, "num_group": 3, "no_bias": True}, {"data": D4}),
    ("Convolution", {"kernel": (1, 1), "num_filter": 3, "num_group": 3}, {"data": D4}),
    ("Convolution", {"kernel": (3,), "num_filter": 4, "stride": (2,)}, {"data": (2, 3, 11)}),
    ("Convolution", {"kernel": (3, 3, 3), "num_filter": 4, "pad": (1, 1, 1)}, {"data": (1, 2, 5, 6, 7)}),
    ("Convolution", {"kernel": (7, 7), "num_filter": 4}, {"data": (1, 3, 4, 4)}),
    ("Convolution", {"kernel": (3, 3), "num_filter": 4, "num_group": 2}, {"data": D4}),
    ("Convolution_v1", {"kernel": (3, 3), "num_filter": 8, "pad": (1, 1)}, {"data": D4}),
    ("Convolution", {"kernel": (3, 3), "num_filter": 8, "layout": "NHWC"}, {"data": (2, 17, 19, 3)}),
    ("Convolution", {"kernel": (3, 3, 3), "num_filter": 8, "layout": "NDHWC", "num_group": 2},
     {"data": (2, 5, 6, 7, 4)}),
    ("Convolution", {"kernel": (3, 3), "num_filter": 8}, {"data": D4, "weight": (8, 3, 3, 3)}),
    ("Convolution", {"kernel": (3, 3), "num_filter": 8}, {"data": D4, "weight": (8, 2, 3, 3)}),
    ("Convolution", {"kernel": (3, 3), "num_filter": 8}, {"data": D4, "bias": (7,)}),
    ("Convolution", {"kernel": (3, 3), "num_filter": 8}, {"data": (2, 3, 17)}),
    ("Deconvolution", {"kernel": (3, 3), "num_filter": 4, "layout": "NHWC"}, {"data": (2, 7, 8, 3)}),
    ("Pooling", {"kernel": (3, 3), "stride": (2, 2), "layout": "NHWC"}, {"data": (2, 17, 19, 3)}),
    ("Pooling", {"global_pool": True, "layout": "NHWC", "kernel": (1, 1)}, {"data": (2, 17, 19, 3)}),
    ("FullyConnected", {"num_hidden": 10}, {"data": D4, "weight": (10, 5)}),
    ("Deconvolution", {"kernel": (4, 4), "num_filter": 5, "stride": (2, 2), "pad": (1, 1)}, {"data": D4}),
    ("Deconvolution", {"kernel": (3, 3), "num_filter": 4, "stride": (2, 2), "adj": (1, 1)}, {"data": D4}),
    ("Deconvolution", {"kernel": (4, 4), "num_filter": 6, "num_group": 3, "no_bias": False}, {"data": D4}),
    ("Deconvolution", {"kernel": (4, 4), "num_filter": 2, "stride": (2, 2), "target_shape": (34, 38)}, {"data": D4}),
    ("Deconvolution", {"kernel": (3, 3), "num_filter": 2, "stride": (2, 2), "target_shape": (35, 37)}, {"data": D4}),
    ("Deconvolution", {"kernel": (3,), "num_filter": 2, "stride": (3,)}, {"data": (2, 3, 7)}),
    ("FullyConnected", {"num_hidden": 10}, {"data": D4}),
    ("FullyConnected", {"num_hidden": 10, "flatten": False}, {"data": D4}),
    ("FullyConnected", {"num_hidden": 10, "no_bias": True}, {"data": (5, 7)}),
    ("Embedding", {"input_dim": 20, "output_dim": 6}, {"data": (4, 5)}),
    # Normalisation
    ("BatchNorm", {}, {"data": D4}),
    ("BatchNorm", {"axis": -1, "output_mean_var": True}, {"data": D4}),
    ("BatchNorm", {"axis": 2}, {"data": D4}),
    ("BatchNorm_v1", {"output_mean_var": True}, {"data": D4}),
    ("_contrib_SyncBatchNorm", {"key": "k"}, {"data": D4}),
    ("LayerNorm", {}, {"data": D4}),
    ("_contrib_BatchNormWithReLU", {"output_mean_var": True}, {"data": D4}),
    ("IdentityAttachKLSparseReg", {}, {"data": (4, 6)}),
    ("LayerNorm", {"axis": 1, "output_mean_var": True}, {"data": D4}),
    ("InstanceNorm", {}, {"data": D4}),
    ("GroupNorm", {"num_groups": 3, "output_mean_var": True}, {"data": (2, 6, 5, 5)}),
    ("L2Normalization", {}, {"data": D4}),
    ("L2Normalization", {"mode": "channel"}, {"data": D4}),
    ("L2Normalization", {"mode": "spatial"}, {"data": D4}),
    ("LRN", {"nsize": 5}, {"data": D4}),
    # Activations
    ("Activation", {"act_type": "relu"}, {"data": D4}),
    ("LeakyReLU", {}, {"data": D4}),
    ("LeakyReLU", {"act_type": "prelu"}, {"data": D4}),
    ("LeakyReLU", {"act_type": "prelu"}, {"data": (4, 7)}),
    ("LeakyReLU", {"act_type": "rrelu"}, {"data": D4}),
    ("clip", {"a_min": 0, "a_max": 6}, {"data": D4}),
    ("relu", {}, {"data": D4}), ("sigmoid", {}, {"data": D4}), ("hard_sigmoid", {}, {"data": D4}),
    # Pooling: every convention, global_pool, 1-D/3-D, padding
    ("Pooling", {"kernel": (3, 3), "stride": (2, 2)}, {"data": D4}),
    ("Pooling", {"kernel": (3, 3), "stride": (2, 2), "pooling_convention": "full"}, {"data": D4}),
    ("Pooling", {"kernel": (3, 3), "stride": (2, 2), "pad": (1, 1), "pool_type": "avg"}, {"data": D4}),
    ("Pooling", {"kernel": (2, 2), "stride": (2, 2), "pooling_convention": "full", "pool_type": "avg"}, {"data": D4}),
    ("Pooling", {"kernel": (3,), "stride": (2,), "pooling_convention": "same"}, {"data": (2, 3, 11)}),
    ("Pooling", {"kernel": (2,), "stride": (3,), "pooling_convention": "same", "pad": (0, 0, 0)},
     {"data": (2, 3, 10)}),
    ("Pooling", {"kernel": (3,), "stride": (2,), "pooling_convention": "same", "pad": (0, 0, 0)},
     {"data": (2, 3, 11)}),
    ("Pooling", {"kernel": (3,), "stride": (2,)}, {"data": (2, 3, 11)}),
    ("Pooling", {"kernel": (2, 2, 2), "stride": (2, 2, 2), "pooling_convention": "full"}, {"data": (1, 2, 5, 6, 7)}),
    ("Pooling", {"global_pool": True, "pool_type": "avg"}, {"data": D4}),
    ("Pooling", {"global_pool": True, "kernel": (3, 3)}, {"data": D4}),
    ("Pooling", {"global_pool": True, "pool_type": "max", "kernel": (1,)}, {"data": (2, 3, 9)}),
    ("Pooling", {"kernel": (5, 5), "pool_type": "sum", "stride": (3, 3)}, {"data": D4}),
    ("Pooling", {"kernel": (40, 3)}, {"data": D4}),
    ("Pooling_v1", {"kernel": (3, 3), "stride": (2, 2), "pooling_convention": "full"}, {"data": D4}),
    ("_contrib_AdaptiveAvgPooling2D", {"output_size": (3, 4)}, {"data": D4}),
    ("_contrib_AdaptiveAvgPooling2D", {}, {"data": D4}),
    ("ROIPooling", {"pooled_size": (3, 3), "spatial_scale": 0.5}, {"data": D4, "rois": (5, 5)}),
    ("_contrib_ROIAlign", {"pooled_size": (2, 2), "spatial_scale": 0.5}, {"data": D4, "rois": (5, 5)}),
    # Elementwise and broadcasting
    ("elemwise_add", {}, {"lhs": D4, "rhs": D4}),
    ("elemwise_mul", {}, {"lhs": D4}),
    ("elemwise_sub", {}, {"lhs": D4, "rhs": (2, 3, 17, 18)}),
    ("broadcast_add", {}, {"lhs": D4, "rhs": (1, 3, 1, 1)}),
    ("broadcast_mul", {}, {"lhs": (3, 1, 5), "rhs": (4, 1)}),
    ("broadcast_div", {}, {"lhs": (5,), "rhs": (2, 3, 1)}),
    ("broadcast_sub", {}, {"lhs": (2, 3), "rhs": (3, 3)}),
    ("broadcast_greater", {}, {"lhs": (2, 1), "rhs": (1, 4)}),
    ("_mul_scalar", {"scalar": 0.5}, {"data": D4}),
    ("_rminus_scalar", {"scalar": 1}, {"data": D4}),
    ("exp", {}, {"data": D4}), ("negative", {}, {"data": (3,)}),
    ("where", {}, {"condition": (2, 3), "x": (2, 3), "y": (2, 3)}),
    ("zeros_like", {}, {"data": D4}),
    # Reductions
    ("sum", {}, {"data": D4}),
    ("sum", {"axis": 1}, {"data": D4}),
    ("sum", {"axis": (1, 3), "keepdims": True}, {"data": D4}),
    ("mean", {"axis": (2, 3)}, {"data": D4}),
    ("max", {"axis": 1, "exclude": True}, {"data": D4}),
    ("min", {"axis": -1}, {"data": D4}),
    ("prod", {"axis": (0, 1, 2, 3)}, {"data": D4}),
    ("mean", {"keepdims": True}, {"data": D4}),
    ("argmax", {"axis": 1}, {"data": D4}),
    ("argmax", {"axis": 1, "keepdims": True}, {"data": D4}),
    ("argmin", {}, {"data": D4}),
    # Shape ops
    ("Reshape", {"shape": (0, -1)}, {"data": D4}),
    ("Reshape", {"shape": (-1, 0), "reverse": True}, {"data": (10, 5, 4)}),
    ("Reshape", {"shape": (-1, 0)}, {"data": (10, 5, 4)}),
    ("Reshape", {"shape": (0, 2, -1, 0)}, {"data": (2, 6, 5, 4)}),
    ("Reshape", {"shape": (-2, 1, 1)}, {"data": (2, 3)}),
    ("Reshape", {"shape": (-3, -2)}, {"data": D4}),
    ("Reshape", {"shape": (0, -4, 3, -1, -2)}, {"data": (2, 6, 5)}),
    ("Reshape", {"shape": (0, -4, -1, 2, -2)}, {"data": (2, 6, 5)}),
    ("Reshape", {"shape": (-4, 1, 2, -3)}, {"data": (2, 3, 4)}),
    ("Reshape", {"shape": (0, 0, -3), "reverse": True}, {"data": (2, 3, 4, 5)}),
    ("Reshape", {"shape": (-1, 3, 0), "reverse": True}, {"data": (2, 3, 6)}),
    ("Reshape", {"shape": (3, -1)}, {"data": (5, 4)}),
    ("Reshape", {"shape": (7, 3)}, {"data": (5, 4)}),
    ("Reshape", {"target_shape": (0, 20)}, {"data": (5, 4)}),
    ("Reshape", {"target_shape": (0, 2, 5), "keep_highest": True}, {"data": (4, 5, 2)}),
    ("Flatten", {}, {"data": D4}),
    ("Flatten", {}, {"data": (7,)}),
    ("Concat", {"num_args": 3, "dim": 1}, {"arg0": D4, "arg1": (2, 5, 17, 19), "arg2": (2, 1, 17, 19)}),
    ("Concat", {"num_args": 2, "dim": -1}, {"arg0": (2, 3), "arg1": (2, 4)}),
    ("Concat", {"num_args": 2, "dim": 0}, {"arg0": (2, 3), "arg1": (5, 3)}),
    ("Concat", {"num_args": 2, "dim": 1}, {"arg0": (2, 3), "arg1": (5, 3)}),
    ("transpose", {}, {"data": D4}),
    ("transpose", {"axes": (0, 2, 3, 1)}, {"data": D4}),
    ("SwapAxis", {"dim1": 1, "dim2": 3}, {"data": D4}),
    ("expand_dims", {"axis": 0}, {"data": (3, 4)}),
    ("expand_dims", {"axis": -1}, {"data": (3, 4)}),
    ("squeeze", {}, {"data": (1, 3, 1, 4)}),
    ("squeeze", {"axis": 2}, {"data": (1, 3, 1, 4)}),
    ("squeeze", {}, {"data": (1, 1)}),
    ("SliceChannel", {"num_outputs": 3}, {"data": (2, 6, 4)}),
    ("SliceChannel", {"num_outputs": 4, "axis": -1, "squeeze_axis": True}, {"data": (2, 6, 4)}),
    ("_split_v2", {"indices": (0, 2, 5), "axis": 1}, {"data": (2, 6, 4)}),
    ("_split_v2", {"indices": (), "sections": 2, "axis": 2}, {"data": (2, 6, 4)}),
    ("slice", {"begin": (0, 1), "end": (2, 4)}, {"data": D4}),
    ("slice", {"begin": (None, -5), "end": (None, None)}, {"data": D4}),
    ("slice", {"begin": (1, None, 2), "end": (None, None, -1), "step": (1, 2, 3)}, {"data": D4}),
    ("slice", {"begin": (None,), "end": (None,), "step": (-1,)}, {"data": D4}),
    ("slice", {"begin": (-1, 10), "end": (0, 0), "step": (-1, -1)}, {"data": D4}),
    ("slice", {"begin": (None, None, 15), "end": (None, None, 1), "step": (1, 1, -4)}, {"data": D4}),
    ("slice_axis", {"axis": 2, "begin": 2, "end": 7}, {"data": D4}),
    ("slice_axis", {"axis": -1, "begin": -4, "end": "None"}, {"data": D4}),
    ("slice_axis", {"axis": 1, "begin": 0, "end": -1}, {"data": D4}),
    ("slice_like", {}, {"data": D4, "shape_like": (1, 2, 3, 4)}),
    ("slice_like", {"axes": (2, 3)}, {"data": D4, "shape_like": (1, 2, 3, 4)}),
    ("tile", {"reps": (2, 3)}, {"data": D4}),
    ("tile", {"reps": (2, 1, 3)}, {"data": (4, 5)}),
    ("repeat", {"repeats": 3}, {"data": (2, 3)}),
    ("repeat", {"repeats": 2, "axis": 1}, {"data": (2, 3)}),
    ("Pad", {"mode": "constant", "pad_width": (0, 0, 0, 0, 1, 2, 3, 4)}, {"data": D4}),
    ("Pad", {"mode": "reflect", "pad_width": (0, 0, 0, 0, 2, 2, 2, 2)}, {"data": D4}),
    ("Crop", {"num_args": 2}, {"arg0": D4, "arg1": (1, 1, 10, 12)}),
    ("Crop", {"num_args": 1, "h_w": (5, 6), "offset": (1, 1)}, {"arg0": D4}),
    ("UpSampling", {"scale": 2, "sample_type": "nearest", "num_args": 1}, {"arg0": D4}),
    ("UpSampling", {"scale": 2, "sample_type": "nearest", "num_args": 2},
     {"arg0": (2, 3, 8, 8), "arg1": (2, 5, 16, 16)}),
    ("UpSampling", {"scale": 2, "sample_type": "bilinear", "num_args": 1, "num_filter": 3}, {"data": D4}),
    ("UpSampling", {"scale": 2, "sample_type": "nearest", "num_args": 3, "multi_input_mode": "sum"},
     {"arg0": (2, 3, 8, 8), "arg1": (2, 3, 16, 16), "arg2": (2, 3, 4, 4)}),
    ("UpSampling", {"scale": 2, "sample_type": "nearest", "num_args": 2, "multi_input_mode": "sum"},
     {"arg0": (2, 3, 8, 8), "arg1": (2, 5, 16, 16)}),
    ("UpSampling", {"scale": 2, "sample_type": "nearest", "num_args": 2},
     {"arg0": (2, 3, 8, 8), "arg1": (2, 5, 5, 5)}),
    ("SoftmaxActivation", {}, {"data": D4}),
    ("Crop", {"num_args": 2, "center_crop": True}, {"arg0": D4, "arg1": (1, 1, 10, 12)}),
    ("UpSampling", {"scale": 3, "sample_type": "bilinear", "num_args": 1, "num_filter": 3}, {"data": D4}),
    ("Cast", {"dtype": "float16"}, {"data": D4}),
    ("stack", {"num_args": 3, "axis": 1}, {"arg0": (2, 3), "arg1": (2, 3), "arg2": (2, 3)}),
    ("broadcast_to", {"shape": (2, 0, 4)}, {"data": (1, 3, 1)}),
    ("broadcast_axis", {"axis": (0, 2), "size": (5, 6)}, {"data": (1, 3, 1)}),
    ("broadcast_like", {}, {"lhs": (1, 3, 1), "rhs": (2, 3, 4)}),
    ("depth_to_space", {"block_size": 2}, {"data": (1, 8, 3, 4)}),
    ("space_to_depth", {"block_size": 2}, {"data": (1, 2, 4, 6)}),
    ("_contrib_BilinearResize2D", {"height": 7, "width": 9}, {"data": D4}),
    ("SequenceLast", {}, {"data": (5, 2, 3)}),
    ("SequenceMask", {}, {"data": (5, 2, 3)}),
    # Output heads
    ("softmax", {}, {"data": D4}), ("softmax", {"axis": 1}, {"data": D4}),
    ("log_softmax", {}, {"data": D4}),
    ("SoftmaxActivation", {"mode": "channel"}, {"data": D4}),
    ("SoftmaxOutput", {}, {"data": (4, 10)}),
    ("SoftmaxOutput", {"multi_output": True}, {"data": (4, 10, 3, 5)}),
    ("SoftmaxOutput", {"preserve_shape": True}, {"data": (4, 10, 3)}),
    ("LinearRegressionOutput", {}, {"data": (4, 3)}),
    ("LogisticRegressionOutput", {}, {"data": (4, 1)}),
    ("MAERegressionOutput", {}, {"data": (4, 2)}),
    ("BlockGrad", {}, {"data": D4}), ("MakeLoss", {}, {"data": D4}),
    ("Dropout", {"p": 0.3}, {"data": D4}),
    # Detection
    ("_contrib_MultiBoxPrior", {"sizes": (0.5, 0.25, 0.1), "ratios": (1, 2, 0.5)}, {"data": D4}),
    ("_contrib_MultiBoxDetection", {}, {"cls_prob": (2, 4, 30), "loc_pred": (2, 120), "anchor": (1, 30, 4)}),
    ("_contrib_box_nms", {}, {"data": (2, 30, 6)}),
    ("_contrib_box_decode", {}, {"data": (2, 30, 4), "anchors": (1, 30, 4)}),
    # More Tier 2/3 rules
    ("_contrib_Proposal", {"rpn_post_nms_top_n": 20, "output_score": True},
     {"cls_prob": (1, 18, 5, 6), "bbox_pred": (1, 36, 5, 6), "im_info": (1, 3)}),
    ("_contrib_MultiProposal", {"rpn_post_nms_top_n": 10},
     {"cls_prob": (2, 18, 5, 6), "bbox_pred": (2, 36, 5, 6), "im_info": (2, 3)}),
    ("_contrib_PSROIPooling", {"spatial_scale": 0.5, "output_dim": 2, "pooled_size": 3},
     {"data": (1, 18, 9, 9), "rois": (4, 5)}),
    ("_contrib_ROIAlign", {"pooled_size": (2, 2), "spatial_scale": 0.5, "position_sensitive": True},
     {"data": (1, 8, 9, 9), "rois": (4, 5)}),
    ("_contrib_box_iou", {}, {"lhs": (2, 5, 4), "rhs": (3, 4)}),
    ("_contrib_bipartite_matching", {"threshold": 0.5}, {"data": (2, 5, 3)}),
    ("_contrib_MultiBoxTarget", {}, {"anchor": (1, 30, 4), "label": (2, 3, 5), "cls_pred": (2, 4, 30)}),
    ("_contrib_BilinearResize2D", {"mode": "like"}, {"data": D4, "like": (1, 1, 5, 6)}),
    ("_contrib_BilinearResize2D", {"scale_height": 2, "scale_width": 0.5}, {"data": D4}),
    ("_arange", {"start": 2, "stop": 11, "step": 3}, {}),
    ("_arange", {"start": 5}, {}),
    ("_arange", {"start": 0, "stop": 4, "repeat": 3, "dtype": "int32"}, {}),
    ("_contrib_arange_like", {}, {"data": (3, 4)}),
    ("_contrib_arange_like", {"axis": 1}, {"data": (3, 4)}),
    ("_zeros", {"shape": (2, 3)}, {}), ("_ones", {"shape": (4,)}, {}),
    ("_full", {"shape": (2, 2), "value": 3}, {}),
    ("shape_array", {}, {"data": D4}), ("size_array", {}, {"data": D4}),
    ("topk", {"k": 3}, {"data": (4, 10)}),
    ("topk", {"k": 2, "axis": 0, "ret_typ": "both"}, {"data": (4, 10)}),
    ("topk", {"k": 2, "ret_typ": "mask"}, {"data": (4, 10)}),
    ("topk", {"k": 2, "axis": "None", "ret_typ": "value"}, {"data": (4, 10)}),
    ("argsort", {}, {"data": (4, 10)}), ("sort", {"axis": 0}, {"data": (4, 10)}),
    ("take", {}, {"a": (5, 6), "indices": (2, 3)}),
    ("take", {"axis": 1}, {"a": (5, 6, 7), "indices": (4,)}),
    ("pick", {}, {"data": (5, 6), "index": (5,)}),
    ("pick", {"axis": 0, "keepdims": True}, {"data": (5, 6), "index": (1, 6)}),
    ("gather_nd", {}, {"data": (5, 6, 7), "indices": (2, 4)}),
    ("one_hot", {"depth": 7}, {"indices": (2, 3)}),
    ("amp_cast", {"dtype": "float16"}, {"data": D4}),
    ("amp_multicast", {"num_outputs": 2}, {"data_0": (2, 3), "data_1": (4,)}),
    ("dot", {}, {"lhs": (2, 3), "rhs": (3, 4)}),
    ("dot", {"transpose_a": True}, {"lhs": (3, 2), "rhs": (3, 4)}),
    ("dot", {"transpose_b": True}, {"lhs": (2, 5, 3), "rhs": (4, 3)}),
    ("dot", {}, {"lhs": (3,), "rhs": (3,)}),
    ("dot", {}, {"lhs": (3,), "rhs": (3, 4, 2)}),
    ("batch_dot", {}, {"lhs": (2, 3, 4), "rhs": (2, 4, 5)}),
    ("batch_dot", {"transpose_a": True, "transpose_b": True}, {"lhs": (2, 4, 3), "rhs": (2, 5, 4)}),
    ("RNN", {"state_size": 8, "num_layers": 2, "mode": "lstm", "state_outputs": True}, {"data": (5, 3, 4)}),
    ("RNN", {"state_size": 6, "num_layers": 1, "mode": "gru", "bidirectional": True}, {"data": (5, 3, 4)}),
    ("RNN", {"state_size": 6, "num_layers": 3, "mode": "rnn_tanh", "state_outputs": True}, {"data": (5, 3, 4)}),
    ("RNN", {"state_size": 8, "num_layers": 2, "mode": "lstm", "projection_size": 4, "bidirectional": True,
             "state_outputs": True}, {"data": (5, 3, 4)}),
    ("RNN", {"state_size": 8, "num_layers": 1, "mode": "gru", "use_sequence_length": True}, {"data": (5, 3, 4)}),
    ("GridGenerator", {"transform_type": "affine", "target_shape": (5, 6)}, {"data": (2, 6)}),
    ("GridGenerator", {"transform_type": "warp"}, {"data": (2, 2, 5, 6)}),
    ("BilinearSampler", {}, {"data": D4, "grid": (2, 2, 5, 6)}),
    ("SpatialTransformer", {"transform_type": "affine", "sampler_type": "bilinear", "target_shape": (5, 6)},
     {"data": D4, "loc": (2, 6)}),
    ("norm", {}, {"data": D4}), ("norm", {"axis": 1, "keepdims": True}, {"data": D4}),
    ("_rnn_param_concat", {"num_args": 2, "dim": 0}, {"arg0": (12,), "arg1": (5,)}),
    ("broadcast_like", {"lhs_axes": (0,), "rhs_axes": (2,)}, {"lhs": (1, 3), "rhs": (2, 3, 4)}),
    ("reshape_like", {}, {"lhs": (2, 6), "rhs": (3, 4)}),
    ("SVMOutput", {}, {"data": (4, 10)}),
    ("_copy", {}, {"data": D4}), ("add_n", {"num_args": 3}, {"arg0": (2, 3), "arg2": (2, 3)}),
    ("Embedding", {"input_dim": 20, "output_dim": 6}, {"data": (4,)}),
    ("_contrib_DeformableConvolution", {"kernel": (3, 3), "num_filter": 4, "pad": (1, 1)},
     {"data": (2, 3, 8, 9), "offset": (2, 18, 8, 9)}),
    ("_contrib_DeformableConvolution", {"kernel": (3, 3), "num_filter": 4, "stride": (2, 2), "no_bias": True},
     {"data": (2, 3, 9, 9), "offset": (2, 18, 4, 4)}),
    ("CTCLoss", {}, {"data": (7, 2, 5), "label": (2, 3)}),
    ("_contrib_interleaved_matmul_selfatt_qk", {"heads": 2}, {"queries_keys_values": (5, 3, 24)}),
    ("_contrib_interleaved_matmul_selfatt_valatt", {"heads": 2},
     {"queries_keys_values": (5, 3, 24), "attention": (6, 5, 5)}),
    ("_contrib_interleaved_matmul_encdec_qk", {"heads": 2}, {"queries": (4, 3, 8), "keys_values": (5, 3, 16)}),
    ("_contrib_interleaved_matmul_encdec_valatt", {"heads": 2},
     {"keys_values": (5, 3, 16), "attention": (6, 4, 5)}),
    ("_linalg_gemm2", {}, {"A": (2, 3, 4), "B": (2, 4, 5)}),
    ("_linalg_gemm2", {"transpose_a": True, "transpose_b": True}, {"A": (4, 3), "B": (5, 4)}),
    ("_linalg_gemm", {}, {"A": (2, 3, 4), "B": (2, 4, 5)}),
    ("_random_uniform", {"shape": (2, 3)}, {}),
    ("_random_normal", {"shape": (4,), "dtype": "float16"}, {}),
    ("_random_randint", {"low": 0, "high": 9, "shape": (3, 3)}, {}),
    ("_sample_multinomial", {"shape": (2,), "get_prob": True}, {"data": (3, 5)}),
    ("_sample_multinomial", {}, {"data": (3, 5)}),
    ("_sample_multinomial", {}, {"data": (5,)}),
    ("_contrib_box_encode", {}, {"samples": (2, 6), "matches": (2, 6), "anchors": (2, 6, 4),
                                 "refs": (2, 3, 4), "means": (4,), "stds": (4,)}),
    ("Correlation", {}, {"data1": (1, 3, 10, 12), "data2": (1, 3, 10, 12)}),
    ("Correlation", {"kernel_size": 3, "max_displacement": 4, "stride1": 2, "stride2": 2, "pad_size": 4},
     {"data1": (1, 3, 10, 12), "data2": (1, 3, 10, 12)}),
]


def mxnet_shapes(op, attrs, shapes):
    sym = oracle.make(op, attrs)
    try:
        args, outs, aux = sym.infer_shape(**{f"x_{k}": v for k, v in shapes.items()})
    except mx.base.MXNetError as e:
        return None, str(e).splitlines()[0]
    if args is None:
        args, outs, aux = sym.infer_shape_partial(**{f"x_{k}": v for k, v in shapes.items()})
    names = sym.list_arguments() + sym.list_auxiliary_states()
    return dict(zip(names, args + aux)), outs


def mxio_shapes(build_dir, op, attrs, shapes):
    io = oracle.ops_dump(build_dir, "io", op, *[f"{k}={fmt(v)}" for k, v in attrs.items()])
    given = [fmt(shapes[n]) if n in shapes else "?" for n in io["inputs"]]
    r = oracle.ops_dump(build_dir, "infer", op, *[f"{k}={fmt(v)}" for k, v in attrs.items()],
                        "--", *given)
    if "error" in r:
        return None, r["error"]
    ins = {f"x_{n}": tuple(s) if s is not None else () for n, s in zip(io["inputs"], r["inputs"])}
    return ins, [tuple(s) if s is not None else () for s in r["outputs"][:io["visible"]]]


def fmt(v):
    if isinstance(v, tuple):
        return "(" + ",".join("None" if x is None else str(x) for x in v) + ("," if len(v) == 1 else "") + ")"
    return str(v)


@pytest.mark.parametrize("op,attrs,shapes", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_op_shapes_match_mxnet(build_dir, op, attrs, shapes):
    attrs = {k: fmt(v) for k, v in attrs.items()}
    want_args, want_outs = mxnet_shapes(op, attrs, shapes)
    got_args, got_outs = mxio_shapes(build_dir, op, attrs, shapes)
    if want_args is None:
        assert got_args is None, f"MXNet refuses ({want_outs}) but mxio infers {got_args} -> {got_outs}"
        return
    assert got_args is not None, f"mxio refuses: {got_outs}; MXNet infers {want_args} -> {want_outs}"
    assert got_args == {k: tuple(v) for k, v in want_args.items()}
    assert got_outs == [tuple(s) for s in want_outs]


def test_every_tier1_op_has_a_shape_rule(build_dir):
    tier1 = ["Convolution", "BatchNorm", "Activation", "Pooling", "FullyConnected", "Flatten",
             "Concat", "Dropout", "SoftmaxOutput", "softmax", "SoftmaxActivation", "elemwise_add",
             "add_n", "elemwise_sub", "elemwise_mul", "elemwise_div", "broadcast_add",
             "broadcast_sub", "broadcast_mul", "broadcast_div", "LeakyReLU", "clip", "Reshape",
             "_copy", "_mul_scalar", "_plus_scalar", "_minus_scalar", "_rminus_scalar",
             "_div_scalar", "_rdiv_scalar", "_power_scalar", "_rpower_scalar", "_maximum_scalar",
             "_minimum_scalar", "LRN", "BlockGrad", "MakeLoss", "LinearRegressionOutput",
             "LogisticRegressionOutput", "MAERegressionOutput", "relu", "sigmoid", "tanh", "mean",
             "sum", "max", "min", "prod", "Pad"]
    recs = {r["name"]: r for r in oracle.ops_dump(build_dir, "registry")}
    missing = [n for n in tier1 if not recs[n]["has_infer_shape"]]
    assert not missing


FLAGS = {"float32": 0, "float64": 1, "float16": 2, "uint8": 3, "int32": 4, "int8": 5, "int64": 6,
         "bool": 7}

# (op, attrs, {input: dtype name}) for dtype rules.
DTYPE_CASES = [
    ("Convolution", {"kernel": (3, 3), "num_filter": 4}, {"data": "float16"}),
    ("FullyConnected", {"num_hidden": 4}, {"data": "float64"}),
    ("BatchNorm", {}, {"data": "float16"}),
    ("BatchNorm", {}, {"data": "float64"}),
    ("LayerNorm", {}, {"data": "float16"}),
    ("GroupNorm", {"num_groups": 1}, {"data": "float16"}),
    ("_contrib_SyncBatchNorm", {"key": "k"}, {"data": "float16"}),
    ("Pooling", {"kernel": (2, 2)}, {"data": "float16"}),
    ("Activation", {"act_type": "relu"}, {"data": "float16"}),
    ("elemwise_add", {}, {"lhs": "int32"}),
    ("broadcast_greater", {}, {"lhs": "int32", "rhs": "int32"}),
    ("_mul_scalar", {"scalar": 2}, {"data": "int8"}),
    ("Cast", {"dtype": "int32"}, {"data": "float32"}),
    ("Cast", {"dtype": "float16"}, {"data": "uint8"}),
    ("amp_cast", {"dtype": "float16"}, {"data": "float32"}),
    ("amp_multicast", {"num_outputs": 2}, {"data_0": "float16", "data_1": "float32"}),
    ("amp_multicast", {"num_outputs": 2, "cast_narrow": True}, {"data_0": "float16", "data_1": "float32"}),
    ("topk", {"k": 2}, {"data": "float16"}),
    ("topk", {"k": 2, "ret_typ": "both", "dtype": "int32"}, {"data": "float64"}),
    ("topk", {"k": 2, "ret_typ": "value"}, {"data": "float16"}),
    ("argsort", {"dtype": "int64"}, {"data": "float32"}),
    ("argmax", {"axis": 1}, {"data": "float16"}),
    ("one_hot", {"depth": 3, "dtype": "int32"}, {"indices": "float32"}),
    ("Embedding", {"input_dim": 5, "output_dim": 2, "dtype": "float16"}, {"data": "int32"}),
    ("shape_array", {}, {"data": "float16"}),
    ("_contrib_quantize_v2", {}, {"data": "float32"}),
    ("_contrib_quantize_v2", {"out_type": "uint8"}, {"data": "float32"}),
    ("_contrib_quantize_v2", {"out_type": "auto", "min_calib_range": 0, "max_calib_range": 3}, {"data": "float32"}),
    ("_contrib_quantize_v2", {"out_type": "auto", "min_calib_range": -1, "max_calib_range": 3}, {"data": "float32"}),
    ("_contrib_dequantize", {}, {"data": "int8"}),
    ("softmax", {"dtype": "float64"}, {"data": "float16"}),
    ("_arange", {"start": 3, "dtype": "int64"}, {}),
    ("_zeros", {"shape": (2,), "dtype": "int8"}, {}),
    ("take", {}, {"a": "float16", "indices": "int32"}),
    ("where", {}, {"condition": "float32", "x": "float16"}),
    ("SoftmaxOutput", {}, {"data": "float16"}),
    ("Dropout", {}, {"data": "float64"}),
    ("RNN", {"state_size": 4, "num_layers": 1, "mode": "lstm"}, {"data": "float64"}),
    ("_random_randint", {"low": 0, "high": 5, "shape": (2,)}, {}),
    ("_random_uniform", {"shape": (2,)}, {}),
    ("_sample_multinomial", {"get_prob": True}, {"data": "float64"}),
]


@pytest.mark.parametrize("op,attrs,types", DTYPE_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(DTYPE_CASES)])
def test_op_dtypes_match_mxnet(build_dir, op, attrs, types):
    attrs = {k: fmt(v) for k, v in attrs.items()}
    sym = oracle.make(op, attrs)
    args, outs, aux = sym.infer_type(**{f"x_{k}": v for k, v in types.items()})
    names = sym.list_arguments() + sym.list_auxiliary_states()
    import numpy as np
    want_in = {n: FLAGS[np.dtype(t).name] for n, t in zip(names, args + aux)}
    want_out = [FLAGS[np.dtype(t).name] for t in outs]
    io = oracle.ops_dump(build_dir, "io", op, *[f"{k}={v}" for k, v in attrs.items()])
    given = [f"?@{FLAGS[types[n]]}" if n in types else "?" for n in io["inputs"]]
    r = oracle.ops_dump(build_dir, "infer", op, *[f"{k}={v}" for k, v in attrs.items()], "--", *given)
    assert "error" not in r, r
    got_in = {f"x_{n}": t for n, t in zip(io["inputs"], r["in_dtypes"])}
    assert got_in == want_in
    assert r["out_dtypes"][:io["visible"]] == want_out
