// einsim_sat.v — signed saturation of an IN-bit value to OUT bits (clamp to the OUT-bit
// two's-complement range), the sat_W / sat_A of sim/func/fixed.h.
module einsim_sat #(
  // width of the value to saturate (IN > OUT)
  parameter integer IN  = 33,
  // width of the result
  parameter integer OUT = 32
) (
  input  wire signed [IN-1:0]  x_i,
  output wire signed [OUT-1:0] y_o
);
  // The value fits when every bit above the result's sign bit equals that sign bit.
  wire fits = (x_i[IN-1:OUT-1] == {(IN-OUT+1){1'b0}}) || (x_i[IN-1:OUT-1] == {(IN-OUT+1){1'b1}});
  assign y_o = fits ? x_i[OUT-1:0]
             : (x_i[IN-1] ? {1'b1, {(OUT-1){1'b0}}} : {1'b0, {(OUT-1){1'b1}}});
endmodule
