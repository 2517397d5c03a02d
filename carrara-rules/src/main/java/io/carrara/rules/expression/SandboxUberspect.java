package io.carrara.rules.expression;

import java.util.Iterator;
import java.util.List;
import org.apache.commons.jexl3.JexlArithmetic;
import org.apache.commons.jexl3.JexlOperator;
import org.apache.commons.jexl3.internal.introspection.Uberspect;
import org.apache.commons.jexl3.introspection.JexlMethod;
import org.apache.commons.jexl3.introspection.JexlPropertyGet;
import org.apache.commons.jexl3.introspection.JexlPropertySet;
import org.apache.commons.jexl3.introspection.JexlUberspect;
import org.apache.commons.logging.LogFactory;

/**
 * JEXL's introspection under {@link SandboxPermissions}, made loud: a method a rule calls that does not
 * exist or is not permitted ({@code getClass()}, {@code 'x'.repeat(9)}) is an error naming it, where
 * JEXL's null-safe navigation would quietly make it null. Constructors and class lookups never resolve.
 */
final class SandboxUberspect implements JexlUberspect {
    private final Uberspect delegate = new Uberspect(LogFactory.getLog(SandboxUberspect.class), JexlUberspect.JEXL_STRATEGY,
            SandboxPermissions.INSTANCE);

    @Override
    public JexlMethod getMethod(Object target, String name, Object... arguments) {
        JexlMethod method = delegate.getMethod(target, name, arguments);
        // JEXL probes the context, the arithmetic and a functor's 'call' while it resolves a function; a miss there is normal.
        if (method == null && target != null && !(target instanceof RuleContext) && !(target instanceof JexlArithmetic)
                && !"call".equals(name)) {
            throw new UnsupportedOperationException("a rule cannot call " + name + "(…) on " + describe(target)
                    + "; it can call metric(scope, name), served(deployment) and .metric(scope, name) of an instance");
        }
        return method;
    }

    private static String describe(Object target) {
        if (target instanceof CharSequence) {
            return "text";
        }
        if (target instanceof Number) {
            return "a number";
        }
        if (target instanceof InstanceView) {
            return "an instance";
        }
        if (target instanceof EventView) {
            return "the event";
        }
        if (target instanceof MetricView) {
            return "a metric";
        }
        if (target instanceof MetadataView) {
            return "metadata";
        }
        return "a value";
    }

    @Override
    public JexlMethod getConstructor(Object target, Object... arguments) {
        return null;
    }

    @Override
    public Class<?> getClassByName(String name) {
        return null;
    }

    @Override
    public JexlArithmetic.Uberspect getArithmetic(JexlArithmetic arithmetic) {
        return delegate.getArithmetic(arithmetic);
    }

    @Override
    public JexlOperator.Uberspect getOperator(JexlArithmetic arithmetic) {
        return delegate.getOperator(arithmetic);
    }

    @Override
    public ClassLoader getClassLoader() {
        return delegate.getClassLoader();
    }

    @Override
    public void setClassLoader(ClassLoader loader) {
        throw new UnsupportedOperationException("the rule sandbox's class loader is fixed");
    }

    @Override
    public Iterator<?> getIterator(Object target) {
        return delegate.getIterator(target);
    }

    @Override
    public JexlPropertyGet getPropertyGet(List<PropertyResolver> resolvers, Object target, Object identifier) {
        return delegate.getPropertyGet(resolvers, target, identifier);
    }

    @Override
    public JexlPropertyGet getPropertyGet(Object target, Object identifier) {
        return delegate.getPropertyGet(target, identifier);
    }

    @Override
    public JexlPropertySet getPropertySet(List<PropertyResolver> resolvers, Object target, Object identifier, Object value) {
        return null;
    }

    @Override
    public JexlPropertySet getPropertySet(Object target, Object identifier, Object value) {
        return null;
    }

    @Override
    public List<PropertyResolver> getResolvers(JexlOperator operator, Object target) {
        return delegate.getResolvers(operator, target);
    }

    @Override
    public int getVersion() {
        return delegate.getVersion();
    }
}
