package io.carrara.rules.expression;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Set;
import org.apache.commons.jexl3.introspection.JexlPermissions;

/**
 * What JEXL may introspect in a rule: the public, non-static methods marked {@link RuleVisible} of
 * the views Carrara passes in, and nothing else: no constructor, no field, no method of a JDK class
 * (so no {@code getClass()}, no {@code String.repeat}), no static method. Operators on plain values
 * (strings, numbers, lists) are done by the arithmetic, not by introspection, so they still work.
 */
final class SandboxPermissions implements JexlPermissions {
    static final SandboxPermissions INSTANCE = new SandboxPermissions();

    private static final Set<Class<?>> VISIBLE = Set.of(RuleContext.class, InstanceView.class, MetadataView.class,
            EventView.class, MetricView.class);

    private SandboxPermissions() {}

    @Override
    public boolean allow(Package pack) {
        return pack != null && pack.getName().equals(SandboxPermissions.class.getPackageName());
    }

    @Override
    public boolean allow(Class<?> clazz) {
        return clazz != null && VISIBLE.contains(clazz);
    }

    @Override
    public boolean allow(Constructor<?> ctor) {
        return false;
    }

    @Override
    public boolean allow(Method method) {
        if (method == null || !VISIBLE.contains(method.getDeclaringClass())) {
            return false;
        }
        int modifiers = method.getModifiers();
        return Modifier.isPublic(modifiers) && !Modifier.isStatic(modifiers) && method.isAnnotationPresent(RuleVisible.class);
    }

    @Override
    public boolean allow(Field field) {
        return false;
    }

    @Override
    public JexlPermissions compose(String... src) {
        throw new UnsupportedOperationException("the rule sandbox's permissions are fixed");
    }
}
