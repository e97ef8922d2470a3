"""Chainer names provided by the ``kusari-training`` distribution.

:func:`register` adds ``chainer.training`` (with ``extensions``, ``triggers``,
``updaters``, ``extension``, ``trainer``, ``updater``, ``util``), ``chainer.iterators``,
``chainer.datasets`` (with the downloading loaders and the file datasets),
``chainer.dataset`` (``concat_examples``, ``converter``, ``DatasetMixin``, ``Iterator``,
``TabularDataset`` and ``tabular``, the dataset root and ``download`` helpers, ...),
``chainer.reporter`` and the top-level ``chainer.report``, ``chainer.report_scope``,
``chainer.Reporter``, ``chainer.Summary``, ``chainer.DictSummary`` and
``chainer.get_current_reporter``.
"""

from __future__ import annotations

from ._tree import ModuleTree

__all__ = ["register"]


def register(tree: ModuleTree) -> None:
    """Add the names of ``kusari.training`` and its siblings to the Chainer module tree."""
    import kusari.training  # noqa: F401  (skips this provider when the package is absent)

    _register_reporter(tree)
    _register_dataset(tree)
    _register_training(tree)


def _register_reporter(tree: ModuleTree) -> None:
    from kusari import reporter

    names = {
        "Reporter": reporter.Reporter,
        "report": reporter.report,
        "report_scope": reporter.report_scope,
        "get_current_reporter": reporter.get_current_reporter,
        "Summary": reporter.Summary,
        "DictSummary": reporter.DictSummary,
    }
    tree.export("chainer", **names)
    tree.export("chainer.reporter", **names)


def _register_dataset(tree: ModuleTree) -> None:
    from kusari import datasets, iterators, training

    convert = {
        "concat_examples": training.concat_examples,
        "converter": training.converter,
        "Converter": training.Converter,
        "to_device": training.to_device,
    }
    tree.export(
        "chainer.dataset",
        DatasetMixin=datasets.DatasetMixin,
        Iterator=iterators.Iterator,
        **convert,
    )
    download = {
        "get_dataset_root": datasets.get_dataset_root,
        "set_dataset_root": datasets.set_dataset_root,
        "get_dataset_directory": datasets.get_dataset_directory,
        "cached_download": datasets.cached_download,
        "cache_or_load_file": datasets.cache_or_load_file,
    }
    tree.export("chainer.dataset", **download)
    tree.export("chainer.dataset.download", **download)
    tree.export("chainer.dataset.convert", **convert)
    tree.export("chainer.dataset.dataset_mixin", DatasetMixin=datasets.DatasetMixin)
    tabular = datasets.tabular
    tree.export("chainer.dataset", TabularDataset=tabular.TabularDataset)
    tree.export(
        "chainer.dataset.tabular",
        from_data=tabular.from_data,
        DelegateDataset=tabular.DelegateDataset,
    )
    tree.export("chainer.dataset.tabular.tabular_dataset", TabularDataset=tabular.TabularDataset)
    tree.export(
        "chainer.dataset.tabular.delegate_dataset", DelegateDataset=tabular.DelegateDataset
    )
    tree.export("chainer.dataset.iterator", Iterator=iterators.Iterator)
    tree.export(
        "chainer.datasets",
        TupleDataset=datasets.TupleDataset,
        DictDataset=datasets.DictDataset,
        SubDataset=datasets.SubDataset,
        TransformDataset=datasets.TransformDataset,
        ConcatenatedDataset=datasets.ConcatenatedDataset,
        split_dataset=datasets.split_dataset,
        split_dataset_random=datasets.split_dataset_random,
        get_cross_validation_datasets=datasets.get_cross_validation_datasets,
        get_cross_validation_datasets_random=datasets.get_cross_validation_datasets_random,
        split_dataset_n=datasets.split_dataset_n,
        split_dataset_n_random=datasets.split_dataset_n_random,
        ImageDataset=datasets.ImageDataset,
        LabeledImageDataset=datasets.LabeledImageDataset,
        ZippedImageDataset=datasets.ZippedImageDataset,
        MultiZippedImageDataset=datasets.MultiZippedImageDataset,
        LabeledZippedImageDataset=datasets.LabeledZippedImageDataset,
        TextDataset=datasets.TextDataset,
        PickleDataset=datasets.PickleDataset,
        PickleDatasetWriter=datasets.PickleDatasetWriter,
        open_pickle_dataset=datasets.open_pickle_dataset,
        open_pickle_dataset_writer=datasets.open_pickle_dataset_writer,
        get_mnist=datasets.get_mnist,
        get_fashion_mnist=datasets.get_fashion_mnist,
        get_fashion_mnist_labels=datasets.get_fashion_mnist_labels,
        get_kuzushiji_mnist=datasets.get_kuzushiji_mnist,
        get_kuzushiji_mnist_labels=datasets.get_kuzushiji_mnist_labels,
        get_cifar10=datasets.get_cifar10,
        get_cifar100=datasets.get_cifar100,
        get_svhn=datasets.get_svhn,
        get_ptb_words=datasets.get_ptb_words,
        get_ptb_words_vocabulary=datasets.get_ptb_words_vocabulary,
    )
    tree.export(
        "chainer.iterators",
        SerialIterator=iterators.SerialIterator,
        MultithreadIterator=iterators.MultithreadIterator,
        MultiprocessIterator=iterators.MultiprocessIterator,
        OrderSampler=iterators.OrderSampler,
        ShuffleOrderSampler=iterators.ShuffleOrderSampler,
    )


def _register_training(tree: ModuleTree) -> None:
    from kusari import training
    from kusari.training import extensions, triggers, updaters

    extension_names = {
        "Extension": training.Extension,
        "make_extension": training.make_extension,
        "PRIORITY_WRITER": training.PRIORITY_WRITER,
        "PRIORITY_EDITOR": training.PRIORITY_EDITOR,
        "PRIORITY_READER": training.PRIORITY_READER,
    }
    tree.export(
        "chainer.training",
        Trainer=training.Trainer,
        Updater=training.Updater,
        StandardUpdater=training.StandardUpdater,
        ParallelUpdater=training.ParallelUpdater,
        get_trigger=training.get_trigger,
        **extension_names,
    )
    tree.export("chainer.training.extension", **extension_names)
    tree.export("chainer.training.trainer", Trainer=training.Trainer)
    tree.export("chainer.training.updater", Updater=training.Updater)
    tree.export("chainer.training.util", get_trigger=training.get_trigger)
    tree.export("chainer.training.trigger", get_trigger=training.get_trigger)
    tree.export(
        "chainer.training.updaters",
        StandardUpdater=updaters.StandardUpdater,
        ParallelUpdater=updaters.ParallelUpdater,
        MultiprocessParallelUpdater=updaters.MultiprocessParallelUpdater,
    )
    tree.export(
        "chainer.training.triggers",
        IntervalTrigger=triggers.IntervalTrigger,
        ManualScheduleTrigger=triggers.ManualScheduleTrigger,
        MaxValueTrigger=triggers.MaxValueTrigger,
        MinValueTrigger=triggers.MinValueTrigger,
        BestValueTrigger=triggers.BestValueTrigger,
        EarlyStoppingTrigger=triggers.EarlyStoppingTrigger,
        OnceTrigger=triggers.OnceTrigger,
        TimeTrigger=triggers.TimeTrigger,
    )
    tree.export(
        "chainer.training.extensions",
        **{name: getattr(extensions, name) for name in extensions.__all__},
    )
    tree.export(
        "chainer.training.extensions.snapshot_writers",
        Writer=extensions.Writer,
        SimpleWriter=extensions.SimpleWriter,
        StandardWriter=extensions.StandardWriter,
        ThreadWriter=extensions.ThreadWriter,
        ProcessWriter=extensions.ProcessWriter,
        QueueWriter=extensions.QueueWriter,
        ThreadQueueWriter=extensions.ThreadQueueWriter,
        ProcessQueueWriter=extensions.ProcessQueueWriter,
    )
