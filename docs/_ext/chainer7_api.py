"""The public names of Chainer 7.8.1, by module, as its API reference documents them.

Written by hand from Chainer 7's documentation (kusari does not depend on Chainer, so the
list cannot be generated from it).  :mod:`chainer_coverage` compares it at build time with
what ``kusari.compat.install_as_chainer()`` provides.  Submodules are listed as names of
their parent (``functions`` under ``chainer``).

Each module maps to a block of whitespace-separated names; ``#`` starts a comment, which
names the section of Chainer's reference the names come from.
"""

from __future__ import annotations

_BLOCKS: dict[str, str] = {
    "chainer": """
        # core classes and functions
        Variable Parameter as_variable as_array backward grad
        FunctionNode Function FunctionAdapter FunctionHook
        Link Chain ChainList Sequential LinkHook
        Optimizer GradientMethod UpdateRule Initializer
        AbstractSerializer Serializer Deserializer
        DeviceResident get_device using_device get_array_types is_arrays_compatible
        # configuration
        config global_config using_config no_backprop_mode force_backprop_mode
        is_debug set_debug DebugMode get_dtype mixed16
        # reporting
        report report_scope Reporter Summary DictSummary get_current_reporter
        # distributions, static subgraph optimization
        Distribution kl_divergence register_kl static_graph static_code
        # runtime
        print_runtime_info __version__
        # modules
        backend backends computational_graph configuration cuda dataset datasets
        device_resident distributions function function_hook function_hooks
        function_node functions gradient_check initializer initializers iterators link
        link_hook link_hooks links optimizer optimizer_hooks optimizers reporter
        sequential serializer serializers testing training utils variable
    """,
    "chainer.variable": """
        Variable VariableNode Parameter as_variable as_array
    """,
    "chainer.configuration": """
        config global_config using_config GlobalConfig LocalConfig
    """,
    "chainer.backend": """
        Device CpuDevice GpuDevice Intel64Device ChainerxDevice get_device using_device
        get_device_from_array get_array_module copyto
    """,
    "chainer.backends.cuda": """
        available cudnn_enabled cupy ndarray check_cuda_available get_device_from_id
        get_device_from_array get_array_module to_gpu to_cpu copy elementwise reduce raw
        memoize clear_memo fuse set_max_workspace_size get_max_workspace_size
        should_use_cudnn should_use_cudnn_tensor_core DummyDevice GpuDevice
    """,
    "chainer.backends.intel64": """
        is_ideep_available should_use_ideep inputs_all_ready
    """,
    "chainer.functions": """
        # activation
        clipped_relu crelu elu hard_sigmoid leaky_relu log_softmax lstm maxout prelu
        rrelu relu relu6 selu sigmoid slstm softmax softplus swish tanh tree_lstm
        # array manipulation
        as_strided broadcast broadcast_to cast concat copy depth2space diagonal dstack
        expand_dims flatten flip fliplr flipud get_item hstack im2col moveaxis pad
        pad_sequence permutate repeat reshape resize_images rollaxis scatter_add
        select_item separate space2depth spatial_transformer_grid
        spatial_transformer_sampler split_axis squeeze stack swapaxes tile transpose
        transpose_sequence vstack where
        # neural network connections
        bilinear convolution_1d convolution_2d convolution_3d convolution_nd
        deconvolution_1d deconvolution_2d deconvolution_3d deconvolution_nd
        deformable_convolution_2d_sampler depthwise_convolution_2d dilated_convolution_2d
        embed_id linear local_convolution_2d n_step_bigru n_step_bilstm n_step_birnn
        n_step_gru n_step_lstm n_step_rnn shift
        # evaluation
        accuracy binary_accuracy classification_summary f1_score precision recall r2_score
        # loss
        absolute_error bernoulli_nll black_out connectionist_temporal_classification
        contrastive crf1d argmax_crf1d cross_covariance decov
        discriminative_margin_based_clustering_loss gaussian_kl_divergence gaussian_nll
        hinge huber_loss mean_absolute_error mean_squared_error negative_sampling
        sigmoid_cross_entropy softmax_cross_entropy squared_error triplet
        # mathematical
        absolute add arccos arcsin arctan arctan2 arctanh argmax argmin average batch_det
        batch_inv batch_l2_norm_squared batch_matmul bias ceil cholesky clip cos cosh cumprod
        cumsum det digamma einsum erf erfc erfcinv erfcx erfinv exp expm1 fft fix floor
        fmod identity ifft inv lgamma linear_interpolate log log10 log1p log2 log_ndtr
        logsumexp matmul max maximum mean min minimum ndtr ndtri polygamma prod rsqrt
        scale sign sin sinh sparse_matmul sqrt square squared_difference sum sum_to tan
        tensordot zeta
        # noise injection
        dropout gaussian gumbel_softmax simplified_dropconnect zoneout
        # normalization
        batch_normalization batch_renormalization decorrelated_batch_normalization
        fixed_batch_normalization fixed_batch_renormalization
        fixed_decorrelated_batch_normalization group_normalization layer_normalization
        local_response_normalization normalize
        # spatial pooling
        average_pooling_1d average_pooling_2d average_pooling_3d average_pooling_nd
        max_pooling_1d max_pooling_2d max_pooling_3d max_pooling_nd roi_average_align_2d
        roi_average_pooling_2d roi_max_align_2d roi_max_pooling_2d roi_pooling_2d
        spatial_pyramid_pooling_2d unpooling_1d unpooling_2d unpooling_3d unpooling_nd
        upsampling_2d
        # utility
        forget
    """,
    "chainer.links": """
        # learnable connections
        Bias Bilinear ChildSumTreeLSTM Convolution1D Convolution2D Convolution3D
        ConvolutionND Deconvolution1D Deconvolution2D Deconvolution3D DeconvolutionND
        DeformableConvolution2D DepthwiseConvolution2D DilatedConvolution2D EmbedID GRU
        Highway Inception InceptionBN Linear LocalConvolution2D LSTM MLPConvolution2D
        NaryTreeLSTM NStepBiGRU NStepBiLSTM NStepBiRNNReLU NStepBiRNNTanh NStepGRU
        NStepLSTM NStepRNNReLU NStepRNNTanh Parameter Scale StatefulGRU StatelessGRU
        StatefulMGU StatelessMGU StatefulPeepholeLSTM StatefulZoneoutLSTM StatelessLSTM
        # activation and loss links
        Maxout PReLU Swish SimplifiedDropconnect BinaryHierarchicalSoftmax BlackOut CRF1d
        NegativeSampling
        # normalization
        BatchNormalization BatchRenormalization DecorrelatedBatchNormalization
        GroupNormalization LayerNormalization
        # models and pre-trained networks
        Classifier VGG16Layers VGG19Layers GoogLeNet ResNet50Layers ResNet101Layers
        ResNet152Layers CaffeFunction TheanoFunction
    """,
    "chainer.link_hooks": """
        SpectralNormalization TimerHook WeightStandardization
    """,
    "chainer.function_hooks": """
        CupyMemoryProfileHook CUDAProfileHook PrintHook TimerHook
    """,
    "chainer.optimizers": """
        AdaDelta AdaGrad Adam AdamW AMSGrad AdaBound AMSBound CorrectedMomentumSGD
        MomentumSGD MSVAG NesterovAG RMSprop RMSpropGraves SGD SMORMS3
    """,
    "chainer.optimizer": """
        Optimizer GradientMethod UpdateRule Hyperparameter HyperparameterProxy
        # deprecated aliases of the optimizer hooks
        WeightDecay Lasso GradientClipping GradientHardClipping GradientNoise
    """,
    "chainer.optimizer_hooks": """
        GradientClipping GradientHardClipping GradientLARS GradientNoise Lasso WeightDecay
    """,
    "chainer.initializers": """
        Constant Zero One NaN Identity Normal LeCunNormal GlorotNormal HeNormal Orthogonal
        Uniform LeCunUniform GlorotUniform HeUniform UpsamplingDeconvFilter
        DownsamplingConvFilter generate_array
    """,
    "chainer.serializers": """
        DictionarySerializer NpzDeserializer save_npz load_npz
        HDF5Serializer HDF5Deserializer save_hdf5 load_hdf5
    """,
    "chainer.gradient_check": """
        check_backward check_double_backward numerical_grad
    """,
    "chainer.computational_graph": """
        build_computational_graph ComputationalGraph
    """,
    "chainer.utils": """
        force_array force_type WalkerAlias experimental type_check conv
    """,
    "chainer.utils.type_check": """
        Expr expect TypeInfo TypeInfoTuple get_types eval make_variable Variable
        InvalidType same_types argname expect_broadcast_shapes
    """,
    "chainer.testing": """
        assert_allclose parameterize product product_dict fix_random condition attr
        run_module BackendConfig inject_backend_tests FunctionTestCase LinkTestCase
        LinkInitializersTestCase save_and_load save_and_load_npz save_and_load_hdf5
    """,
    "chainer.dataset": """
        DatasetMixin Iterator concat_examples converter Converter to_device
        get_dataset_root set_dataset_root get_dataset_directory cached_download
        cache_or_load_file TabularDataset tabular
    """,
    "chainer.datasets": """
        # general datasets
        TupleDataset DictDataset SubDataset ConcatenatedDataset TransformDataset
        ImageDataset LabeledImageDataset ZippedImageDataset MultiZippedImageDataset
        LabeledZippedImageDataset TextDataset PickleDataset PickleDatasetWriter
        open_pickle_dataset open_pickle_dataset_writer
        # splitting
        split_dataset split_dataset_random split_dataset_n split_dataset_n_random
        get_cross_validation_datasets get_cross_validation_datasets_random
        # downloaded data sets
        get_mnist get_fashion_mnist get_fashion_mnist_labels get_kuzushiji_mnist
        get_kuzushiji_mnist_labels get_cifar10 get_cifar100 get_ptb_words
        get_ptb_words_vocabulary get_svhn
    """,
    "chainer.iterators": """
        SerialIterator MultiprocessIterator MultithreadIterator DaliIterator OrderSampler
        ShuffleOrderSampler
    """,
    "chainer.reporter": """
        Reporter report report_scope get_current_reporter Summary DictSummary
    """,
    "chainer.training": """
        Trainer Updater StandardUpdater ParallelUpdater Extension make_extension
        PRIORITY_WRITER PRIORITY_EDITOR PRIORITY_READER get_trigger
        # modules
        extension extensions trainer triggers updater updaters util
    """,
    "chainer.training.updaters": """
        StandardUpdater ParallelUpdater MultiprocessParallelUpdater
    """,
    "chainer.training.triggers": """
        BestValueTrigger EarlyStoppingTrigger IntervalTrigger ManualScheduleTrigger
        MaxValueTrigger MinValueTrigger OnceTrigger TimeTrigger
    """,
    "chainer.training.extensions": """
        Evaluator DumpGraph dump_graph ExponentialShift InverseShift LinearShift
        MultistepShift PolynomialShift StepShift WarmupShift LogReport PrintReport
        ProgressBar PlotReport VariableStatisticsPlot ParameterStatistics snapshot
        snapshot_object observe_value observe_lr FailOnNonNumber MicroAverage
        unchain_variables
    """,
    "chainer.distributions": """
        Bernoulli Beta Categorical Cauchy Chisquare Dirichlet Exponential Gamma Geometric
        Gumbel Independent Laplace LogNormal MultivariateNormal Normal OneHotCategorical
        Pareto Poisson Uniform
    """,
    "chainermn": """
        create_communicator create_multi_node_optimizer create_multi_node_evaluator
        scatter_dataset scatter_index create_empty_dataset create_multi_node_checkpointer
        create_multi_node_n_step_rnn create_multi_node_iterator
        create_synchronized_iterator MultiNodeChainList
        # modules
        communicators datasets extensions functions iterators links optimizers
    """,
    "chainermn.links": """
        MultiNodeBatchNormalization MultiNodeChainList create_mnbn_model
    """,
    "chainermn.functions": """
        send recv bcast gather scatter allgather alltoall pseudo_connect
    """,
}


def _names(block: str) -> tuple[str, ...]:
    names: list[str] = []
    for line in block.splitlines():
        names.extend(line.split("#", 1)[0].split())
    return tuple(names)


CHAINER7_API: dict[str, tuple[str, ...]] = {
    module: _names(block) for module, block in _BLOCKS.items()
}
"""Module name -> its public names (submodules included), in Chainer's documentation order."""
