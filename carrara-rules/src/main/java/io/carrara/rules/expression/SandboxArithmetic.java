package io.carrara.rules.expression;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.commons.jexl3.JexlArithmetic;
import org.apache.commons.jexl3.JexlOperator;

/**
 * JEXL's arithmetic with the sandbox's rules for missing values and bounds:
 * <ul>
 * <li>null (a missing value) counts as false in {@code && || !} and {@code ?:}, and a property of null is null;</li>
 * <li>a missing value (null) makes {@code + - * / %} and unary minus null, and makes every ordering
 *     comparison ({@code < <= > >=}) false, so a condition over a missing metric fails rather than throws;</li>
 * <li>an ordering comparison between a number and text that is not a number is false, as in the
 *     registry's search where such metadata has no number;</li>
 * <li>a string longer than {@link SandboxLimits#maxStringLength()} is refused;</li>
 * <li>{@code text =~ 'regex'} compiles patterns of at most {@link SandboxLimits#maxPatternLength()}
 *     characters and matches over text that checks the evaluation's deadline as the matcher reads it,
 *     so catastrophic backtracking ends at the time limit;</li>
 * <li>division by zero is an error;</li>
 * <li>shifts of big numbers, which could allocate without bound, are refused.</li>
 * </ul>
 */
final class SandboxArithmetic extends JexlArithmetic {
    /** The evaluation running on this thread, for the deadline that pattern matching checks. */
    static final ThreadLocal<RuleContext> CURRENT = new ThreadLocal<>();

    private final SandboxLimits limits;

    SandboxArithmetic(SandboxLimits limits) {
        super(true);
        this.limits = limits;
    }

    private SandboxArithmetic(SandboxLimits limits, boolean strict, MathContext context, int scale) {
        super(strict, context, scale);
        this.limits = limits;
    }

    @Override
    protected JexlArithmetic createWithOptions(boolean strict, MathContext context, int scale) {
        return new SandboxArithmetic(limits, strict, context, scale);
    }

    // Strict (errors are errors, x / 0 fails), but null-safe for the operators below, so that a missing
    // value reaches the methods of this class, and counts as false in a condition (&&, ||, ?:) or under !.
    @Override
    public boolean isStrict(JexlOperator operator) {
        switch (operator) {
            case NOT:
            case CONDITION:
            case ADD:
            case SUBTRACT:
            case MULTIPLY:
            case DIVIDE:
            case MOD:
            case NEGATE:
            case LT:
            case LTE:
            case GT:
            case GTE:
                return false;
            default:
                return super.isStrict(operator);
        }
    }

    @Override
    public boolean toBoolean(Object value) {
        return value != null && super.toBoolean(value);
    }

    @Override
    public Object add(Object left, Object right) {
        if (left == null || right == null) {
            return null;
        }
        return checkLength(super.add(left, right));
    }

    @Override
    public Object subtract(Object left, Object right) {
        return left == null || right == null ? null : super.subtract(left, right);
    }

    @Override
    public Object multiply(Object left, Object right) {
        return left == null || right == null ? null : super.multiply(left, right);
    }

    @Override
    public Object divide(Object left, Object right) {
        return left == null || right == null ? null : super.divide(left, checkDivisor(right, "/"));
    }

    @Override
    public Object mod(Object left, Object right) {
        return left == null || right == null ? null : super.mod(left, checkDivisor(right, "%"));
    }

    private static Object checkDivisor(Object right, String operator) {
        if (right instanceof Number && ((Number) right).doubleValue() == 0) {
            throw new ArithmeticException("division by zero in " + operator);
        }
        return right;
    }

    @Override
    public Object negate(Object operand) {
        return operand == null ? null : super.negate(operand);
    }

    @Override
    public boolean lessThan(Object left, Object right) {
        return comparable(left, right) && super.lessThan(left, right);
    }

    @Override
    public boolean lessThanOrEqual(Object left, Object right) {
        return comparable(left, right) && super.lessThanOrEqual(left, right);
    }

    @Override
    public boolean greaterThan(Object left, Object right) {
        return comparable(left, right) && super.greaterThan(left, right);
    }

    @Override
    public boolean greaterThanOrEqual(Object left, Object right) {
        return comparable(left, right) && super.greaterThanOrEqual(left, right);
    }

    @Override
    public Object shiftLeft(Object left, Object right) {
        checkSmall(left, "<<");
        return super.shiftLeft(left, right);
    }

    @Override
    public Boolean contains(Object container, Object value) {
        if (container instanceof CharSequence && value != null && !(value instanceof Pattern)) {
            return matches(container.toString(), value.toString());
        }
        if (container instanceof Pattern) {
            throw new ArithmeticException("only text patterns can be matched with =~");
        }
        return super.contains(container, value);
    }

    private boolean matches(String regex, String text) {
        if (regex.length() > limits.maxPatternLength()) {
            throw new ArithmeticException("the pattern of =~ is longer than " + limits.maxPatternLength() + " characters");
        }
        Pattern pattern;
        try {
            pattern = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new ArithmeticException("the pattern '" + regex + "' of =~ is not a regular expression: " + e.getDescription());
        }
        RuleContext context = CURRENT.get();
        CharSequence input = context == null ? text : new DeadlineText(text, context);
        Matcher matcher = pattern.matcher(input);
        return matcher.matches();
    }

    private static boolean comparable(Object left, Object right) {
        if (left == null || right == null) {
            return false;
        }
        return !(isNumber(left) && isText(right) && !isNumericText(right)
                || isNumber(right) && isText(left) && !isNumericText(left));
    }

    private static boolean isNumber(Object value) {
        return value instanceof Number;
    }

    private static boolean isText(Object value) {
        return value instanceof CharSequence || value instanceof Character;
    }

    private static boolean isNumericText(Object value) {
        return MetadataView.typed(value.toString()) instanceof Number;
    }

    private static void checkSmall(Object value, String operator) {
        if (value instanceof BigInteger || value instanceof BigDecimal) {
            throw new ArithmeticException(operator + " is not allowed on big numbers");
        }
    }

    private Object checkLength(Object result) {
        if (result instanceof CharSequence && ((CharSequence) result).length() > limits.maxStringLength()) {
            throw new ArithmeticException("the expression builds a string longer than " + limits.maxStringLength()
                    + " characters");
        }
        return result;
    }

    /** Text that stops the matcher reading it once the evaluation's deadline has passed. */
    private static final class DeadlineText implements CharSequence {
        private final String text;
        private final RuleContext context;
        private int reads;

        DeadlineText(String text, RuleContext context) {
            this.text = text;
            this.context = context;
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public char charAt(int index) {
            if ((++reads & 0x3FF) == 0) {
                context.checkDeadline();
            }
            return text.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new DeadlineText(text.substring(start, end), context);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
