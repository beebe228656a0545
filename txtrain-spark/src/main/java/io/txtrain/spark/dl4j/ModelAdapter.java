package io.txtrain.spark.dl4j;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.util.NetworkUtils;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/** The few operations txtrain needs from a MultiLayerNetwork or a ComputationGraph. */
abstract class ModelAdapter {
    enum Kind { MULTI_LAYER, GRAPH }

    abstract Kind kind();

    abstract Model model();

    abstract String configJson();

    abstract int iterationCount();

    abstract int epochCount();

    abstract void setCounters(int iterations, int epochs);

    abstract BaseMultiLayerUpdater<?> updater();

    abstract void fit(DataSet ds);

    abstract void fit(MultiDataSet ds);

    abstract String learningRate();

    FlatState params() {
        return FlatState.of(model().params());
    }

    void setParams(FlatState p) {
        if (!p.copyInto(model().params())) { // the network's own parameter array: what setParams assigns to
            model().setParams(p.toArray());
        }
    }

    FlatState updaterState() {
        BaseMultiLayerUpdater<?> u = updater();
        return u == null || u.getStateViewArray() == null ? FlatState.empty() : FlatState.of(u.getStateViewArray());
    }

    void setUpdaterState(FlatState s) {
        if (s.isEmpty()) {
            return;
        }
        INDArray view = updater().getStateViewArray();
        if (view == null || view.length() != s.length()) {
            throw new IllegalStateException("updater state has " + (view == null ? 0 : view.length())
                    + " values, the saved state " + s.length());
        }
        if (!s.copyInto(view)) {
            view.assign(s.toArray().reshape(view.shape()));
        }
    }

    double score() {
        return model().score();
    }

    /** Sets the score the network reports (the driver's network does not compute one itself). */
    void setScore(double score) {
        if (model() instanceof MultiLayerNetwork n) {
            n.setScore(score);
        } else {
            ((ComputationGraph) model()).setScore(score);
        }
    }

    /**
     * Runs {@code r} (the driver's listeners) with the driver network looking as if it had just
     * trained the round, as DL4J's listeners (e.g. the UI's StatsListener) expect: its batch size is
     * the round's example count, and its gradient is the round's update ({@code before - after}, per
     * parameter). The driver network has neither of its own; both are removed afterwards.
     */
    void asRoundForListeners(long examples, FlatState before, FlatState after, Runnable r) {
        Model m = model();
        Object savedGradient = DriverFields.get(m, "gradient");
        INDArray rows = org.nd4j.linalg.factory.Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, examples, 1);
        boolean placeholder = false;
        if (m instanceof MultiLayerNetwork n && n.getInput() == null && n.getLabels() == null) {
            n.setInput(rows);
            n.setLabels(rows);
            placeholder = true;
        } else if (m instanceof ComputationGraph g && (g.getInputs() == null || g.getInputs()[0] == null)) {
            INDArray[] in = new INDArray[g.getNumInputArrays()];
            java.util.Arrays.fill(in, rows);
            g.setInputs(in);
            placeholder = true;
        }
        DriverFields.set(m, "gradient", roundUpdate(before, after));
        try {
            r.run();
        } finally {
            DriverFields.set(m, "gradient", savedGradient);
            if (placeholder && m instanceof MultiLayerNetwork n) {
                n.setInput(null);
                n.setLabels(null);
            } else if (placeholder) {
                ((ComputationGraph) m).setInputs((INDArray[]) null);
            }
        }
    }

    /** The round's update per parameter, as views of one flat array laid out like the parameters. */
    private org.deeplearning4j.nn.gradient.Gradient roundUpdate(FlatState before, FlatState after) {
        INDArray flatParams = model().params();
        INDArray update = before.toArray().sub(after.toArray());
        INDArray vector = update.reshape(update.length());
        org.deeplearning4j.nn.gradient.DefaultGradient g = new org.deeplearning4j.nn.gradient.DefaultGradient(update);
        for (java.util.Map.Entry<String, INDArray> e : model().paramTable(false).entrySet()) {
            long offset = e.getValue().offset() - flatParams.offset();
            long length = e.getValue().length();
            g.setGradientFor(e.getKey(), vector.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(offset,
                    offset + length)));
        }
        return g;
    }

    /**
     * Gives the network a new parameter array holding {@code params} (and the updater state) if its
     * own was closed outside txtrain: Spark closes a broadcast value when the broadcast is removed,
     * and DL4J's scoring ({@code calculateScore}, {@code SparkDataSetLossCalculator}) broadcasts the
     * network's live parameter array. Layers and updater are re-created on the new array; the
     * configuration, listeners and counters are kept. Returns whether it did.
     */
    boolean rebindIfReleased(FlatState params, FlatState updaterState) {
        INDArray live = model().params();
        if (live == null || !live.wasClosed()) {
            return false;
        }
        Model m = model();
        DriverFields.set(m, "initCalled", false);
        DriverFields.set(m, "solver", null);
        DriverFields.set(m, "flattenedGradients", null);
        DriverFields.set(m, "flattenedParams", null);
        if (m instanceof MultiLayerNetwork n) {
            DriverFields.set(n, "layers", null);
            n.init(params.toArray().dup(), false); // a plain array, like the one DL4J allocates
        } else {
            ((ComputationGraph) m).init(params.toArray().dup(), false);
        }
        setUpdaterState(updaterState);
        return true;
    }

    static ModelAdapter of(MultiLayerNetwork net) {
        return new MultiLayer(net);
    }

    static ModelAdapter of(ComputationGraph graph) {
        return new Graph(graph);
    }

    /** A fresh, initialised model from configuration JSON (on executors). */
    static ModelAdapter create(Kind kind, String json) {
        if (kind == Kind.MULTI_LAYER) {
            MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(json));
            net.init();
            return new MultiLayer(net);
        }
        ComputationGraph g = new ComputationGraph(ComputationGraphConfiguration.fromJson(json));
        g.init();
        return new Graph(g);
    }

    private static final class MultiLayer extends ModelAdapter {
        private final MultiLayerNetwork net;

        MultiLayer(MultiLayerNetwork net) {
            this.net = net;
        }

        @Override
        Kind kind() {
            return Kind.MULTI_LAYER;
        }

        @Override
        Model model() {
            return net;
        }

        @Override
        String configJson() {
            return net.getLayerWiseConfigurations().toJson();
        }

        @Override
        int iterationCount() {
            return net.getLayerWiseConfigurations().getIterationCount();
        }

        @Override
        int epochCount() {
            return net.getLayerWiseConfigurations().getEpochCount();
        }

        @Override
        void setCounters(int iterations, int epochs) {
            net.getLayerWiseConfigurations().setIterationCount(iterations);
            net.getLayerWiseConfigurations().setEpochCount(epochs);
        }

        @Override
        BaseMultiLayerUpdater<?> updater() {
            return (BaseMultiLayerUpdater<?>) net.getUpdater(true);
        }

        @Override
        void fit(DataSet ds) {
            net.fit(ds);
        }

        @Override
        void fit(MultiDataSet ds) {
            throw new IllegalArgumentException("a MultiLayerNetwork cannot be trained on MultiDataSets; use a ComputationGraph");
        }

        @Override
        String learningRate() {
            for (int i = 0; i < net.getnLayers(); i++) {
                try {
                    return Double.toString(NetworkUtils.getLearningRate(net, i));
                } catch (RuntimeException e) {
                    // layer without a learning rate (e.g. subsampling): try the next
                }
            }
            return "n/a";
        }
    }

    private static final class Graph extends ModelAdapter {
        private final ComputationGraph graph;

        Graph(ComputationGraph graph) {
            this.graph = graph;
        }

        @Override
        Kind kind() {
            return Kind.GRAPH;
        }

        @Override
        Model model() {
            return graph;
        }

        @Override
        String configJson() {
            return graph.getConfiguration().toJson();
        }

        @Override
        int iterationCount() {
            return graph.getConfiguration().getIterationCount();
        }

        @Override
        int epochCount() {
            return graph.getConfiguration().getEpochCount();
        }

        @Override
        void setCounters(int iterations, int epochs) {
            graph.getConfiguration().setIterationCount(iterations);
            graph.getConfiguration().setEpochCount(epochs);
        }

        @Override
        BaseMultiLayerUpdater<?> updater() {
            return graph.getUpdater(true);
        }

        @Override
        void fit(DataSet ds) {
            graph.fit(ds);
        }

        @Override
        void fit(MultiDataSet ds) {
            graph.fit(ds);
        }

        @Override
        String learningRate() {
            for (String name : graph.getConfiguration().getNetworkInputs().isEmpty()
                    ? java.util.List.<String>of() : graph.getConfiguration().getTopologicalOrderStr()) {
                try {
                    return Double.toString(NetworkUtils.getLearningRate(graph, name));
                } catch (RuntimeException e) {
                    // vertex without a learning rate
                }
            }
            return "n/a";
        }
    }
}
