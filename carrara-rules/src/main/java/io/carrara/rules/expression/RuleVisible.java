package io.carrara.rules.expression;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the methods of the expression views that a rule may call or read as properties; the
 * sandbox's permissions refuse every other method, of any class.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@interface RuleVisible {}
