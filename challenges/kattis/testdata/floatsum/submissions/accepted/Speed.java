public class Speed { public static void main(String[] a) {} }
