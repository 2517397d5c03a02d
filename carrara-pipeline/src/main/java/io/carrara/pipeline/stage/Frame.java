package io.carrara.pipeline.stage;

import io.carrara.pipeline.linalg.Vector;
import java.util.Arrays;

/**
 * The working row of a compiled pipeline: one slot per column (inputs first, then each stage's
 * outputs). Numeric columns live unboxed in {@link #getDouble(int)} with a null flag; strings,
 * vectors and arrays live in {@link #getObject(int)}. A frame belongs to one thread; reuse it
 * across rows with {@link #clear()}.
 */
public final class Frame {
    private final double[] doubles;
    private final Object[] objects;
    private final boolean[] nulls;

    public Frame(int slots) {
        this.doubles = new double[slots];
        this.objects = new Object[slots];
        this.nulls = new boolean[slots];
        Arrays.fill(nulls, true);
    }

    public int slots() {
        return doubles.length;
    }

    public boolean isNull(int slot) {
        return nulls[slot];
    }

    /** The numeric value; meaningless when {@link #isNull(int)}. */
    public double getDouble(int slot) {
        return doubles[slot];
    }

    public Object getObject(int slot) {
        return objects[slot];
    }

    public String getString(int slot) {
        return (String) objects[slot];
    }

    public Vector getVector(int slot) {
        return (Vector) objects[slot];
    }

    public void setDouble(int slot, double value) {
        doubles[slot] = value;
        nulls[slot] = false;
    }

    public void setObject(int slot, Object value) {
        objects[slot] = value;
        nulls[slot] = value == null;
    }

    public void setNull(int slot) {
        objects[slot] = null;
        nulls[slot] = true;
    }

    public void clear() {
        Arrays.fill(objects, null);
        Arrays.fill(nulls, true);
    }
}
