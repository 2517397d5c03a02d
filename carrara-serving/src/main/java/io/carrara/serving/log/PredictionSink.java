package io.carrara.serving.log;

import java.util.List;

/**
 * Where the prediction log's writer thread puts sampled predictions, a batch at a time: the
 * registry database by default (an adapter over its prediction store), or a JSON Lines file
 * ({@link JsonLinesPredictionSink}). Called from one thread only; a thrown exception loses that
 * batch, which is counted as dropped, and the writer carries on.
 */
@FunctionalInterface
public interface PredictionSink {
    void write(List<LoggedPrediction> batch) throws Exception;
}
